package io.prosface.load;

import java.util.Map;

/**
 * One row of the report.
 *
 * @param mode {@code closed} (fixed concurrency) or {@code open} (fixed arrival rate)
 * @param client {@code java} (this tool) or {@code wrk}
 * @param concurrency closed loop: calls in flight; open loop: 0
 * @param rateSetting open loop: the scenario's rate as written ({@code 0.9x} or {@code 120}); closed loop: empty
 * @param targetRate open loop: requested calls per second; closed loop: 0
 * @param offeredRate open loop: calls scheduled per second in the window; closed loop: 0
 * @param clientCpuCores CPU cores the load generator used (it shares the machine with the server)
 * @param efficiency ok/s divided by the in-process ceiling (images/s); one face per call
 * @param cpuEfficiency faces per server CPU-second divided by the ceiling's images per CPU-second: what the serving
 *     path costs beyond the bare batched forward, whatever share of a busy machine the server got
 */
record StepResult(
        String protocol,
        String mode,
        String client,
        int concurrency,
        String rateSetting,
        double targetRate,
        double offeredRate,
        double seconds,
        double okPerSecond,
        double p50Millis,
        double p95Millis,
        double p99Millis,
        double maxMillis,
        Map<String, Long> errors,
        ServerMetrics.Delta server,
        double clientCpuCores,
        double efficiency,
        double cpuEfficiency) {

    static StepResult of(
            String protocol,
            String mode,
            String client,
            int concurrency,
            String rateSetting,
            double targetRate,
            double offeredRate,
            Measured measured,
            ServerMetrics.Delta server) {
        StepRecorder.Latency latency = measured.latency();
        return new StepResult(
                protocol,
                mode,
                client,
                concurrency,
                rateSetting,
                targetRate,
                offeredRate,
                measured.seconds(),
                measured.okPerSecond(),
                latency.p50(),
                latency.p95(),
                latency.p99(),
                latency.max(),
                measured.errors(),
                server,
                measured.clientCpuCores(),
                Double.NaN,
                Double.NaN);
    }

    /** This row with its efficiencies against the ceiling: images per second and images per CPU-second. */
    StepResult withCeiling(double ceiling, double ceilingPerCpuSecond) {
        return new StepResult(
                protocol,
                mode,
                client,
                concurrency,
                rateSetting,
                targetRate,
                offeredRate,
                seconds,
                okPerSecond,
                p50Millis,
                p95Millis,
                p99Millis,
                maxMillis,
                errors,
                server,
                clientCpuCores,
                okPerSecond / ceiling,
                okPerSecond / server.cpuCores() / ceilingPerCpuSecond);
    }

    /** What the step held constant: {@code c=16} or {@code 120/s}. */
    String load() {
        return mode.equals("closed") ? "c=" + concurrency : String.format("%.0f/s", targetRate);
    }

    String errorText() {
        if (errors.isEmpty()) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        errors.forEach((code, count) -> text.append(text.length() == 0 ? "" : " ")
                .append(code)
                .append(':')
                .append(count));
        return text.toString();
    }
}
