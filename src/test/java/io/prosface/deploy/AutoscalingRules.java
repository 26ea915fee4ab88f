package io.prosface.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prometheus-adapter rules of k8s/monitoring/prometheus-adapter-values.yaml: which custom metric names they
 * publish to the HPA, and from which exported Prometheus series.
 */
final class AutoscalingRules {
    static final Path ADAPTER_VALUES = Manifests.K8S.resolve("monitoring/prometheus-adapter-values.yaml");
    private static final Pattern SERVER_SERIES = Pattern.compile("\\bpros_[a-z0-9_]+");

    private AutoscalingRules() {}

    /**
     * Published metric name -> the series its rule reads; fails on a rule reading a series the server never exports.
     */
    static Map<String, String> publishedMetrics() {
        Map<String, Object> values = YamlDocuments.read(ADAPTER_VALUES).get(0);
        List<Map<String, Object>> rules = YamlDocuments.at(values, "rules", "custom");
        if (rules == null || rules.isEmpty()) {
            throw new AssertionError(ADAPTER_VALUES + " has no rules.custom");
        }
        Map<String, String> published = new LinkedHashMap<>();
        for (Map<String, Object> rule : rules) {
            String seriesQuery = (String) rule.get("seriesQuery");
            String series = seriesQuery.substring(0, seriesQuery.indexOf('{')).trim();
            requireExported(series, "seriesQuery");
            // the adapter substitutes the rule's series for <<.Series>>
            requireAllExported(((String) rule.get("metricsQuery")).replace("<<.Series>>", series));
            String name = YamlDocuments.at(rule, "name", "as");
            published.put(name, series);
        }
        return published;
    }

    /** Every pros_* series a PromQL query names must be exported; a query naming none is an error too. */
    static void requireAllExported(String query) {
        Matcher matcher = SERVER_SERIES.matcher(query);
        boolean any = false;
        while (matcher.find()) {
            requireExported(matcher.group(), query);
            any = true;
        }
        if (!any) {
            throw new AssertionError("query reads no server series: " + query);
        }
    }

    private static void requireExported(String series, String where) {
        if (!ExportedMetrics.series().contains(series)) {
            throw new AssertionError(series + " (in " + where + ") is not exported by the server; exported: "
                    + ExportedMetrics.series());
        }
    }
}
