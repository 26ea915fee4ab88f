package io.prosface.load;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The printed table and report.json: everything one run measured, with the conditions it ran under. */
final class Report {

    /**
     * @param ceiling the efficiency denominator: the better of the ceilings measured before and after the server
     *     ran (images/s at the server's max batch size)
     * @param ceilingPerCpuSecond the better of the two ceilings in images per CPU-second
     */
    record Run(
            String scenario,
            Map<String, String> parameters,
            String startedAt,
            String finishedAt,
            Machine machine,
            String model,
            boolean standInModel,
            String image,
            String box,
            int maxBatchSize,
            CeilingBenchmark.Result ceilingBefore,
            CeilingBenchmark.Result ceilingAfter,
            double ceiling,
            double ceilingPerCpuSecond,
            List<StepResult> steps) {}

    /** @param loadAverage one-minute load averages at start and end: other work on the machine shows here */
    record Machine(int cores, String os, String java, double[] loadAverage) {}

    private static final String COLUMNS = "%-11s %-6s %-4s %-7s %7s %7s %7s %7s %7s  %-24s %5s %8s %7s %5s %7s";

    private Report() {}

    static String heading() {
        return String.format(
                COLUMNS,
                "protocol",
                "mode",
                "via",
                "load",
                "ok/s",
                "offered",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "batch",
                "queue ms",
                "cpu s+c",
                "eff",
                "eff/cpu");
    }

    static String row(StepResult step) {
        ServerMetrics.Delta server = step.server();
        return String.format(
                COLUMNS,
                step.protocol(),
                step.mode(),
                step.client(),
                step.load(),
                String.format("%.1f", step.okPerSecond()),
                step.mode().equals("open") ? String.format("%.1f", step.offeredRate()) : "-",
                millis(step.p50Millis()),
                millis(step.p95Millis()),
                millis(step.p99Millis()),
                step.errorText(),
                Double.isNaN(server.meanBatchSize()) ? "-" : String.format("%.2f", server.meanBatchSize()),
                Double.isNaN(server.meanQueueMillis()) ? "-" : String.format("%.1f", server.meanQueueMillis()),
                String.format("%.1f+%.1f", server.cpuCores(), step.clientCpuCores()),
                decimal(step.efficiency()),
                decimal(step.cpuEfficiency()));
    }

    private static String decimal(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format("%.2f", value);
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : value < 100 ? String.format("%.1f", value) : String.format("%.0f", value);
    }

    static String table(Run run) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                "ProS Face load test, scenario %s, %s .. %s%n", run.scenario(), run.startedAt(), run.finishedAt()));
        text.append(String.format(
                "machine: %d cores, %s, Java %s, 1-min load average %.1f at start, %.1f at end%n",
                run.machine().cores(),
                run.machine().os(),
                run.machine().java(),
                run.machine().loadAverage()[0],
                run.machine().loadAverage()[1]));
        text.append(String.format(
                "model: %s%s; image: %s; face box: %s; max batch %d%n",
                run.model(),
                run.standInModel() ? " (random stand-in: real cost, meaningless answers)" : "",
                run.image(),
                run.box(),
                run.maxBatchSize()));
        text.append(ceilingLine("before", run.ceilingBefore())).append(ceilingLine("after ", run.ceilingAfter()));
        text.append(String.format(
                "eff = ok/s / %.1f img/s; eff/cpu = faces per server CPU-second / %.1f img per "
                        + "CPU-second (the better ceilings; one face per call)%n%n",
                run.ceiling(), run.ceilingPerCpuSecond()));
        text.append(heading()).append('\n');
        run.steps().forEach(step -> text.append(row(step)).append('\n'));
        text.append("""

                ok/s: successful calls per second; offered: calls scheduled per second (open loop).
                latency: closed loop from send; open loop from the scheduled send (coordinated-omission corrected).
                batch, queue ms: server mean batch size and queue wait in the same window (/q/metrics deltas).
                cpu s+c: CPU cores used by the server + by the load generator (java: this tool, wrk: wrk).
                eff: ok/s over the in-process ceiling; eff/cpu: the same per CPU-second (robust to a busy machine).
                """);
        return text.toString();
    }

    private static String ceilingLine(String when, CeilingBenchmark.Result ceiling) {
        if (ceiling == null) {
            return "";
        }
        return String.format(
                "in-process ceiling %s: %s batch %d%s, %d worker(s) x %d thread(s) -> %.1f img/s best, "
                        + "%.1f median, %.1f img per CPU-second; batch-1 face %.1f ms (heads: %s)%n",
                when,
                ceiling.architecture(),
                ceiling.batchSize(),
                ceiling.reframed() ? ", 2 passes a face (re-framed)" : "",
                ceiling.workers(),
                ceiling.threadsPerWorker(),
                ceiling.imagesPerSecond(),
                ceiling.medianImagesPerSecond(),
                ceiling.imagesPerCpuSecond(),
                ceiling.singleMillis(),
                String.join(", ", ceiling.heads()));
    }

    static void write(Run run, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(
                directory.resolve("report.json"),
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(run));
        Files.writeString(directory.resolve("table.txt"), table(run));
    }
}
