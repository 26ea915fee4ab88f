package io.prosface.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One rendered kustomization: the untyped documents (which mutation tests edit) and typed views of them.
 *
 * @param name the kustomization's directory relative to k8s/, e.g. {@code overlays/gpu}
 * @param documents the rendered resources
 */
record Rendered(String name, List<Map<String, Object>> documents) {

    static Rendered of(String directoryUnderK8s) {
        return new Rendered(directoryUnderK8s, KustomizeRenderer.render(Manifests.K8S.resolve(directoryUnderK8s)));
    }

    /** A deep copy to break on purpose. */
    Rendered mutableCopy() {
        return new Rendered(name, YamlDocuments.deepCopy(documents));
    }

    /** The untyped document of the given kind and name (for mutation tests). */
    Map<String, Object> document(String kind, String resourceName) {
        return documents.stream()
                .filter(document -> kind.equals(document.get("kind")))
                .filter(document ->
                        resourceName.equals(KustomizeRenderer.metadata(document).get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no " + kind + " " + resourceName));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return documents.stream()
                .map(Manifests::typed)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    Deployment deployment() {
        List<Deployment> deployments = all(Deployment.class);
        if (deployments.size() != 1) {
            throw new AssertionError(name + ": expected exactly one Deployment, found " + deployments.size());
        }
        return deployments.get(0);
    }

    PodSpec podSpec() {
        return deployment().getSpec().getTemplate().getSpec();
    }

    /** The server container (named "server"). */
    Container server() {
        return podSpec().getContainers().stream()
                .filter(container -> "server".equals(container.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + ": no container named 'server'"));
    }

    List<Service> services() {
        return all(Service.class);
    }

    Optional<HorizontalPodAutoscaler> autoscaler() {
        List<HorizontalPodAutoscaler> autoscalers = all(HorizontalPodAutoscaler.class);
        if (autoscalers.size() > 1) {
            throw new AssertionError(name + ": more than one HorizontalPodAutoscaler");
        }
        return autoscalers.stream().findFirst();
    }

    Optional<PodDisruptionBudget> disruptionBudget() {
        return all(PodDisruptionBudget.class).stream().findFirst();
    }

    /**
     * The environment the container will see: envFrom ConfigMaps of this render first, then env entries (which win).
     * A value from a Secret reads {@code secret:<name>/<key>}; from a ConfigMap key, the key's value.
     */
    Map<String, String> environment(Container container) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                environment.putAll(configMap(source.getConfigMapRef().getName()).getData());
            }
        }
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValueFrom() == null) {
                environment.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                var reference = variable.getValueFrom().getSecretKeyRef();
                environment.put(variable.getName(), "secret:" + reference.getName() + "/" + reference.getKey());
            } else if (variable.getValueFrom().getConfigMapKeyRef() != null) {
                var reference = variable.getValueFrom().getConfigMapKeyRef();
                environment.put(
                        variable.getName(),
                        configMap(reference.getName()).getData().get(reference.getKey()));
            }
        }
        return environment;
    }

    ConfigMap configMap(String configMapName) {
        return all(ConfigMap.class).stream()
                .filter(configMap ->
                        configMapName.equals(configMap.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError(name + ": ConfigMap " + configMapName + " is referenced but not rendered"));
    }

    /** Replicas the deployment keeps at least: the autoscaler's minimum when one targets it, else spec.replicas. */
    int minimumReplicas() {
        Optional<HorizontalPodAutoscaler> autoscaler = autoscaler();
        if (autoscaler.isPresent()) {
            Integer minimum = autoscaler.get().getSpec().getMinReplicas();
            return minimum == null ? 1 : minimum;
        }
        Integer replicas = deployment().getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    @Override
    public String toString() {
        return name;
    }
}
