package io.prosface.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's own view of a step: two scrapes of /q/metrics (Prometheus text) and their difference. Metric names
 * are the contract in io.prosface.server.inference.MetricNames (Micrometer dots become underscores, timers get
 * {@code _seconds}).
 */
final class ServerMetrics {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    ServerMetrics(int port) {
        this.uri = URI.create("http://localhost:" + port + "/q/metrics");
    }

    /** Sum over all label sets of each metric name (the serving metrics have one series each). */
    Snapshot scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> values = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int labels = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, labels >= 0 ? labels : space);
            try {
                values.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            } catch (NumberFormatException ignored) {
                // a value such as NaN written oddly: not one of ours
            }
        }
        return new Snapshot(System.nanoTime(), values);
    }

    record Snapshot(long nanoTime, Map<String, Double> values) {
        double value(String name) {
            return values.getOrDefault(name, 0.0);
        }

        /** What happened on the server between {@code earlier} and this snapshot. */
        Delta since(Snapshot earlier) {
            double seconds = (nanoTime - earlier.nanoTime) / 1e9;
            double batches = change(earlier, "pros_inference_batch_size_count");
            double queued = change(earlier, "pros_inference_queue_seconds_count");
            double computed = change(earlier, "pros_inference_compute_seconds_count");
            double cpuNanos = change(earlier, "process_cpu_time_ns_total");
            return new Delta(
                    batches,
                    ratio(change(earlier, "pros_inference_batch_size_sum"), batches),
                    ratio(change(earlier, "pros_inference_queue_seconds_sum") * 1e3, queued),
                    ratio(change(earlier, "pros_inference_compute_seconds_sum") * 1e3, computed),
                    change(earlier, "pros_inference_items_total") / seconds,
                    change(earlier, "pros_inference_expired_total"),
                    values.containsKey("process_cpu_time_ns_total") ? cpuNanos / 1e9 / seconds : Double.NaN);
        }

        private double change(Snapshot earlier, String name) {
            return value(name) - earlier.value(name);
        }

        private static double ratio(double numerator, double denominator) {
            return denominator == 0 ? Double.NaN : numerator / denominator;
        }
    }

    /**
     * @param batches forward passes run
     * @param meanBatchSize achieved batch size (faces per forward)
     * @param meanQueueMillis mean time a face waited for its batch
     * @param meanComputeMillis mean time of one batched forward
     * @param itemsPerSecond faces run through the model per second
     * @param expired faces dropped uncomputed (deadline passed or caller gone)
     * @param cpuCores server process CPU time per wall second (NaN when the server does not export it)
     */
    record Delta(
            double batches,
            double meanBatchSize,
            double meanQueueMillis,
            double meanComputeMillis,
            double itemsPerSecond,
            double expired,
            double cpuCores) {}
}
