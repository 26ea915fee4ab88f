package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitoring side of autoscaling: what Prometheus scrapes and how the metric reaches the HPA or KEDA. */
class MonitoringManifestsTest {
    private final Rendered base = Rendered.of("base");
    private final ApplicationSettings settings = DeploymentChecks.settings(base);

    /** Catches: a ServiceMonitor that selects no Service or both Services (every pod scraped twice, which doubles the
     *  autoscaling metric), scrapes a port name the Service lacks, or the wrong path for Micrometer's endpoint. */
    @Test
    void serviceMonitorScrapesTheServerOnce() {
        ServiceMonitor monitor =
                Rendered.of("monitoring").all(ServiceMonitor.class).get(0);
        assertEquals(
                base.deployment().getMetadata().getNamespace(),
                monitor.getMetadata().getNamespace(),
                "namespace");
        Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();
        List<Service> selected = base.services().stream()
                .filter(service -> service.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
        assertEquals(
                1, selected.size(), "the ServiceMonitor must select exactly one Service, selects " + selected.size());
        for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
            assertTrue(
                    selected.get(0).getSpec().getPorts().stream()
                            .anyMatch(port -> port.getName().equals(endpoint.getPort())),
                    "the Service has no port named " + endpoint.getPort());
            assertEquals(settings.metricsPath(), endpoint.getPath(), "metrics path");
        }
    }

    /**
     * Catches: adapter rules reading a series the server does not export, or renaming it so the HPA's metric is gone.
     */
    @Test
    void adapterPublishesTheInFlightGauge() {
        Map<String, String> published = AutoscalingRules.publishedMetrics();
        String inFlight = ExportedMetrics.prometheusName(io.prosface.server.inference.MetricNames.IN_FLIGHT);
        assertEquals(
                inFlight, published.get(inFlight), "the HPA's default metric must be published under its own name");
    }

    /** Catches: the KEDA alternative drifting from the Deployment (name, kind) or from the exported metrics, or
     *  scaling below two replicas (it exists for the shared-store deployments only). */
    @Test
    void kedaScaledObjectTargetsTheServer() {
        Rendered keda = Rendered.of("monitoring/keda");
        GenericKubernetesResource scaled =
                keda.all(GenericKubernetesResource.class).get(0);
        Map<String, Object> spec =
                KustomizeRenderer.castMap(scaled.getAdditionalProperties().get("spec"));
        assertEquals(
                base.deployment().getMetadata().getNamespace(),
                scaled.getMetadata().getNamespace(),
                "namespace");
        assertEquals("Deployment", YamlDocuments.at(spec, "scaleTargetRef", "kind"));
        assertEquals(base.deployment().getMetadata().getName(), YamlDocuments.at(spec, "scaleTargetRef", "name"));
        assertTrue(((Number) spec.get("minReplicaCount")).intValue() >= 2, "minReplicaCount >= 2");
        List<Map<String, Object>> triggers = YamlDocuments.at(spec, "triggers");
        List<Map<String, Object>> prometheus = triggers.stream()
                .filter(trigger -> "prometheus".equals(trigger.get("type")))
                .toList();
        assertEquals(1, prometheus.size(), "one prometheus trigger");
        String query = YamlDocuments.at(prometheus.get(0), "metadata", "query");
        AutoscalingRules.requireAllExported(query);
        assertTrue(
                query.contains("namespace=\"" + base.deployment().getMetadata().getNamespace() + "\""),
                "query scoped to the namespace");
        assertTrue(triggers.stream().anyMatch(trigger -> "cpu".equals(trigger.get("type"))), "CPU fallback trigger");
    }
}
