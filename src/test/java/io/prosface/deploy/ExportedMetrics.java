package io.prosface.deploy;

import io.prosface.server.inference.MetricNames;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus series the server exports, derived from {@link MetricNames} the way Micrometer's Prometheus
 * naming convention does: dots become underscores, timers get the base unit {@code _seconds} and the
 * {@code _count/_sum/_max} series, summaries the same without unit, counters {@code _total}. Renaming a metric in
 * MetricNames changes this set, and every autoscaling rule still naming the old series fails. {@code _bucket}
 * series are left out on purpose: they exist only if the server enables histograms, which nothing guarantees yet;
 * a quantile rule must wait for that (then add them here).
 */
final class ExportedMetrics {
    private ExportedMetrics() {}

    static String prometheusName(String micrometerName) {
        return micrometerName.replace('.', '_');
    }

    static Set<String> series() {
        Set<String> series = new TreeSet<>();
        for (String gauge : new String[] {MetricNames.IN_FLIGHT, MetricNames.QUEUE_DEPTH}) {
            series.add(prometheusName(gauge));
        }
        for (String timer : new String[] {MetricNames.QUEUE_TIME, MetricNames.INFERENCE_TIME}) {
            addHistogram(series, prometheusName(timer) + "_seconds");
        }
        addHistogram(series, prometheusName(MetricNames.BATCH_SIZE));
        series.add(prometheusName(MetricNames.REQUESTS) + "_total");
        return series;
    }

    private static void addHistogram(Set<String> series, String base) {
        for (String suffix : new String[] {"_count", "_sum", "_max"}) {
            series.add(base + suffix);
        }
    }
}
