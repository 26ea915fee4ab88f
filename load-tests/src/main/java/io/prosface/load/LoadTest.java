package io.prosface.load;

import io.prosface.grpc.v1.AnalyzeResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The load test, as run.sh calls it from the repository root: {@code LoadTest [scenario] [key=value ...]}.
 * Order: in-process ceiling, start the server, pre-flight, server warm-up, closed-loop steps, open-loop steps, stop
 * the server, ceiling again, report. {@code --parameters} prints the scenario header; {@code --ceiling-only} stops
 * after the first ceiling.
 */
public final class LoadTest {

    private LoadTest() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error failure) {
            failure.printStackTrace();
            System.exit(1); // client threads must not keep a failed run alive; the hook stops the server
        }
        System.exit(0); // gRPC and HTTP client threads would otherwise keep the JVM a while
    }

    private static void run(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        if (args.length > 0 && args[0].equals("--parameters")) {
            System.out.print(Parameter.header());
            return;
        }
        Path root = Path.of("").toAbsolutePath();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean ceilingOnly = rest.remove("--ceiling-only");
        Path scenarioFile = root.resolve("load-tests/scenarios/default.properties");
        if (!rest.isEmpty() && !rest.get(0).contains("=")) {
            scenarioFile = scenarioPath(root, rest.remove(0));
        }
        Scenario scenario = Scenario.load(scenarioFile, rest);
        scenario.warnings.forEach(warning -> System.out.println("WARNING " + warning));
        Path output = root.resolve(scenario.text(Parameter.OUTPUT_DIRECTORY));
        Files.createDirectories(output);
        String startedAt = now();
        double loadAtStart = loadAverage();

        TestImage image = TestImage.from(scenario);
        Path imageFile = image.writeTo(output);
        Path model = ServerProcess.model(root, scenario);
        boolean standIn =
                !model.equals(root.resolve(scenario.text(Parameter.MODEL_PATH)).normalize());
        List<String> tasks = scenario.list(Parameter.REQUEST_TASKS);
        int maxBatch = scenario.integer(Parameter.SERVER_MAX_BATCH_SIZE);
        System.out.println("image: " + image.description() + "; face box: " + boxText(image));
        CeilingBenchmark.Result before = ceiling(model, image, tasks, maxBatch, scenario, "before");
        if (ceilingOnly) {
            return;
        }

        WrkDriver wrk = null;
        if (scenario.text(Parameter.HTTP_CLIENT).equals("wrk")
                && scenario.list(Parameter.CLOSED_PROTOCOLS).contains("http")) {
            if (WrkDriver.available()) {
                wrk = new WrkDriver(
                        WrkDriver.script(root),
                        imageFile,
                        image.mediaType(),
                        scenario.duration(Parameter.REQUEST_DEADLINE));
            } else {
                System.out.println("NOTE wrk not found (Debian: apt-get install wrk): closed-loop HTTP uses the "
                        + "JDK client instead (column via: java)");
            }
        }
        List<StepResult> steps = new ArrayList<>();
        System.out.println("starting the server (" + model + ") ...");
        try (ServerProcess server = ServerProcess.start(root, scenario, model, output);
                StepRunner runner = new StepRunner(
                        scenario,
                        server.port,
                        image,
                        wrk,
                        step -> System.out.println(
                                Report.row(step.withCeiling(before.imagesPerSecond(), before.imagesPerCpuSecond()))))) {
            System.out.println("server ready on port " + server.port + " (log: " + server.log + ")");
            preflight(runner);
            System.out.println("warming the server up (" + scenario.text(Parameter.SERVER_WARMUP) + ") ...");
            runner.warmUp();
            System.out.println(Report.heading() + "   (eff: against the ceiling measured before)");
            steps.addAll(runner.closedSteps());
            steps.addAll(runner.openSteps(steps));
        }
        CeilingBenchmark.Result after = ceiling(model, image, tasks, maxBatch, scenario, "after");
        double ceiling = Math.max(before.imagesPerSecond(), after.imagesPerSecond());
        double ceilingPerCpu = Math.max(before.imagesPerCpuSecond(), after.imagesPerCpuSecond());

        Report.Run run = new Report.Run(
                scenario.name,
                scenario.asMap(),
                startedAt,
                now(),
                new Report.Machine(
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                        System.getProperty("java.version"),
                        new double[] {loadAtStart, loadAverage()}),
                model.toString(),
                standIn,
                image.description(),
                boxText(image),
                maxBatch,
                before,
                after,
                ceiling,
                ceilingPerCpu,
                steps.stream()
                        .map(step -> step.withCeiling(ceiling, ceilingPerCpu))
                        .toList());
        Report.write(run, output);
        Charts.write(run, output.resolve("report.png"));
        System.out.println();
        System.out.print(Report.table(run));
        System.out.println("\nwritten: " + output.resolve("report.json") + ", " + output.resolve("report.png") + ", "
                + output.resolve("table.txt"));
    }

    /**
     * The better of two layouts: the server's (its workers, each with its threads) and one worker with every core, so
     * a layout that wastes the machine cannot lower its own bar.
     */
    private static CeilingBenchmark.Result ceiling(
            Path model, TestImage image, List<String> tasks, int maxBatch, Scenario scenario, String when)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = scenario.integer(Parameter.SERVER_WORKERS);
        workers = workers > 0 ? workers : Math.min(2, cores); // the server's auto on a CPU
        int threads = scenario.integer(Parameter.SERVER_THREADS_PER_WORKER);
        threads = threads > 0 ? threads : Math.max(1, cores / workers);
        List<int[]> layouts = new ArrayList<>(List.of(new int[] {workers, threads}));
        if (workers != 1 || threads != cores) {
            layouts.add(new int[] {1, cores});
        }
        CeilingBenchmark.Result best = null;
        for (int[] layout : layouts) {
            System.out.printf(
                    "in-process ceiling %s the server runs (%d worker(s) x %d thread(s)) ...%n",
                    when, layout[0], layout[1]);
            CeilingBenchmark.Result result = CeilingBenchmark.run(
                    model,
                    image,
                    tasks,
                    Boolean.parseBoolean(scenario.text(Parameter.SERVER_REFRAME_FACES)),
                    maxBatch,
                    layout[0],
                    layout[1],
                    scenario.integer(Parameter.CEILING_ROUNDS),
                    scenario.duration(Parameter.CEILING_ROUND_TIME));
            System.out.printf(
                    "  %s batch %d%s: %.1f img/s best, %.1f median, %.1f img per CPU-second; batch-1 "
                            + "face %.1f ms%n",
                    result.architecture(),
                    result.batchSize(),
                    result.reframed() ? " (2 passes a face)" : "",
                    result.imagesPerSecond(),
                    result.medianImagesPerSecond(),
                    result.imagesPerCpuSecond(),
                    result.singleMillis());
            if (best == null || result.imagesPerSecond() > best.imagesPerSecond()) {
                best = result;
            }
        }
        return best;
    }

    /** One call per protocol before measuring: a server that answers errors, or finds no face, measures nothing. */
    private static void preflight(StepRunner runner) throws Exception {
        try (GrpcUnaryTarget grpc = (GrpcUnaryTarget) runner.target("grpc-unary");
                HttpTarget http = (HttpTarget) runner.target("http")) {
            AnalyzeResponse answer = grpc.probe();
            if (answer.getFacesCount() == 0) {
                throw new IllegalStateException("the server found no face in the request image, so the model would "
                        + "never run: use image.box=landmarks (synthetic) or x,y,w,h, or another image.source");
            }
            HttpResponse<String> response = http.probe();
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "POST /v1/analyze answered " + response.statusCode() + ": " + response.body());
            }
            System.out.printf(
                    "pre-flight: %d face(s), model %s, server timing total %.1f ms%n",
                    answer.getFacesCount(),
                    answer.getModel().getBackbone(),
                    answer.getTiming().getTotal().getNanos() / 1e6
                            + answer.getTiming().getTotal().getSeconds() * 1e3);
        }
    }

    private static Path scenarioPath(Path root, String argument) {
        Path direct = root.resolve(argument);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        Path named = root.resolve("load-tests/scenarios")
                .resolve(argument.endsWith(".properties") ? argument : argument + ".properties");
        if (!Files.isRegularFile(named)) {
            throw new IllegalArgumentException(
                    "no scenario " + argument + " (a path, or a name in " + "load-tests/scenarios)");
        }
        return named;
    }

    private static String boxText(TestImage image) {
        return image.box() == null
                ? "none: the server detects faces"
                : image.boxQuery() + " (client box, no detection)";
    }

    private static String now() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    /** One-minute load average from /proc/loadavg (NaN elsewhere). */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException unavailable) {
            return Double.NaN;
        }
    }
}
