package io.prosface.load;

import io.prosface.grpc.v1.AnalyzeRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the scenario's steps against a started server: closed-loop concurrency steps per protocol, then open-loop
 * rates. Around each measured window it scrapes /q/metrics exactly at the window's edges, so the server's numbers
 * (batch size, queue time) cover the same seconds as the client's.
 */
final class StepRunner implements AutoCloseable {

    private final Scenario scenario;
    private final int port;
    private final TestImage image;
    private final WrkDriver wrk;
    private final List<String> tasks;
    private final Duration deadline;
    private final Duration drain;
    private final ServerMetrics metrics;
    private final Consumer<StepResult> progress;
    private final ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);

    /** @param wrk the wrk driver, or null to drive closed-loop HTTP with the JDK client */
    StepRunner(Scenario scenario, int port, TestImage image, WrkDriver wrk, Consumer<StepResult> progress) {
        this.scenario = scenario;
        this.port = port;
        this.image = image;
        this.wrk = wrk;
        this.tasks = scenario.list(Parameter.REQUEST_TASKS);
        this.deadline = scenario.duration(Parameter.REQUEST_DEADLINE);
        this.drain = deadline.plusSeconds(5);
        this.metrics = new ServerMetrics(port);
        this.progress = progress;
    }

    LoadTarget target(String protocol) {
        AnalyzeRequest request = GrpcRequests.analyzeRequest(image, tasks);
        return switch (protocol) {
            case "grpc-unary" -> new GrpcUnaryTarget(port, request, deadline);
            case "grpc-stream" -> new GrpcStreamTarget(port, request);
            case "http" -> new HttpTarget(HttpTarget.analyzeUri(port, image, tasks), image, deadline);
            default ->
                throw new IllegalArgumentException("unknown protocol " + protocol + " (grpc-unary, grpc-stream, http)");
        };
    }

    /**
     * Unmeasured closed-loop load at the max batch size, split over every protocol the scenario uses, so that the
     * first measured step does not pay for the server's JIT compilation of its serving path.
     */
    void warmUp() throws Exception {
        Set<String> protocols = new LinkedHashSet<>(scenario.list(Parameter.CLOSED_PROTOCOLS));
        protocols.addAll(scenario.list(Parameter.OPEN_PROTOCOLS));
        Duration total = scenario.duration(Parameter.SERVER_WARMUP);
        if (protocols.isEmpty() || total.isZero()) {
            return;
        }
        Duration each = total.dividedBy(protocols.size());
        for (String protocol : protocols) {
            try (LoadTarget target = target(protocol)) {
                ClosedLoop.run(
                        target,
                        scenario.integer(Parameter.SERVER_MAX_BATCH_SIZE),
                        1,
                        System.nanoTime(),
                        each,
                        Duration.ZERO,
                        drain,
                        callbacks);
            }
        }
    }

    List<StepResult> closedSteps() throws Exception {
        Duration warmup = scenario.duration(Parameter.CLOSED_WARMUP);
        Duration duration = scenario.duration(Parameter.CLOSED_DURATION);
        List<StepResult> results = new ArrayList<>();
        for (String protocol : scenario.list(Parameter.CLOSED_PROTOCOLS)) {
            try (LoadTarget target = target(protocol)) {
                for (int concurrency : scenario.integers(Parameter.CLOSED_CONCURRENCY)) {
                    StepResult result = protocol.equals("http") && wrk != null
                            ? closedWrk(concurrency, warmup, duration)
                            : closedJava(target, concurrency, warmup, duration);
                    progress.accept(result);
                    results.add(result);
                }
            }
        }
        return results;
    }

    private StepResult closedJava(LoadTarget target, int concurrency, Duration warmup, Duration duration)
            throws Exception {
        int usersPerLane = target instanceof GrpcStreamTarget
                ? Math.max(1, scenario.integer(Parameter.STREAM_FRAMES_IN_FLIGHT))
                : 1;
        long start = System.nanoTime();
        Window window = new Window(start + warmup.toNanos(), duration);
        StepRecorder recorder =
                ClosedLoop.run(target, concurrency, usersPerLane, start, warmup, duration, drain, callbacks);
        return StepResult.of(
                target.name(),
                "closed",
                "java",
                concurrency,
                "",
                0,
                0,
                Measured.of(recorder, duration.toNanos() / 1e9, window.clientCpuCores()),
                window.delta());
    }

    private StepResult closedWrk(int concurrency, Duration warmup, Duration duration) throws Exception {
        URI uri = HttpTarget.analyzeUri(port, image, tasks);
        wrk.warmUp(uri, concurrency, warmup);
        ServerMetrics.Snapshot before = metrics.scrape();
        Measured measured = wrk.measure(uri, concurrency, duration);
        ServerMetrics.Snapshot after = metrics.scrape();
        return StepResult.of("http", "closed", "wrk", concurrency, "", 0, 0, measured, after.since(before));
    }

    /** Open-loop steps; a rate {@code Nx} is N times the protocol's best closed-loop ok/s in {@code closed}. */
    List<StepResult> openSteps(List<StepResult> closed) throws Exception {
        Duration warmup = scenario.duration(Parameter.OPEN_WARMUP);
        Duration duration = scenario.duration(Parameter.OPEN_DURATION);
        List<StepResult> results = new ArrayList<>();
        for (String protocol : scenario.list(Parameter.OPEN_PROTOCOLS)) {
            try (LoadTarget target = target(protocol)) {
                for (String rateSpecification : scenario.list(Parameter.OPEN_RATES)) {
                    double rate = rate(rateSpecification, protocol, closed);
                    int lanes = target instanceof GrpcStreamTarget ? scenario.integer(Parameter.OPEN_STREAMS) : 1;
                    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                    Window window = new Window(start + warmup.toNanos(), duration);
                    OpenLoop.Result run = OpenLoop.run(
                            target,
                            rate,
                            lanes,
                            start,
                            warmup,
                            duration,
                            drain,
                            scenario.integer(Parameter.OPEN_MAX_OUTSTANDING));
                    double seconds = duration.toNanos() / 1e9;
                    StepResult result = StepResult.of(
                            protocol,
                            "open",
                            "java",
                            0,
                            rateSpecification,
                            rate,
                            run.scheduled() / seconds,
                            Measured.of(run.recorder(), seconds, window.clientCpuCores()),
                            window.delta());
                    progress.accept(result);
                    results.add(result);
                }
            }
        }
        return results;
    }

    private static double rate(String specification, String protocol, List<StepResult> closed) {
        if (!specification.endsWith("x")) {
            return Double.parseDouble(specification);
        }
        double factor = Double.parseDouble(specification.substring(0, specification.length() - 1));
        double best = closed.stream()
                .filter(step -> step.protocol().equals(protocol))
                .mapToDouble(StepResult::okPerSecond)
                .max()
                .orElse(closed.stream()
                        .mapToDouble(StepResult::okPerSecond)
                        .max()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "open.rates " + specification + " is relative to closed-loop "
                                        + "throughput, but no closed-loop step ran; give a rate in req/s")));
        return Math.max(1, factor * best);
    }

    /** Scrapes and this process's CPU time, taken at a measured window's start and end. */
    private final class Window {
        private final Future<ServerMetrics.Snapshot> before;
        private final Future<ServerMetrics.Snapshot> after;
        private final Future<Long> cpuBefore;
        private final Future<Long> cpuAfter;
        private final double seconds;

        Window(long measureStart, Duration duration) {
            long measureEnd = measureStart + duration.toNanos();
            seconds = duration.toNanos() / 1e9;
            cpuBefore = scraper.schedule(
                    CeilingBenchmark::processCpuNanos, measureStart - System.nanoTime(), TimeUnit.NANOSECONDS);
            before = scraper.schedule(metrics::scrape, measureStart - System.nanoTime(), TimeUnit.NANOSECONDS);
            cpuAfter = scraper.schedule(
                    CeilingBenchmark::processCpuNanos, measureEnd - System.nanoTime(), TimeUnit.NANOSECONDS);
            after = scraper.schedule(metrics::scrape, measureEnd - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        ServerMetrics.Delta delta() throws ExecutionException, InterruptedException {
            return after.get().since(before.get());
        }

        double clientCpuCores() throws ExecutionException, InterruptedException {
            return (cpuAfter.get() - cpuBefore.get()) / 1e9 / seconds;
        }
    }

    @Override
    public void close() {
        scraper.shutdownNow();
        callbacks.shutdownNow();
    }
}
