package io.prosface.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.prosface.core.RepositoryRoot;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes kinds our manifests may contain, each bound to its fabric8 model class, and the conversion of a
 * parsed YAML document into that class. A kind or apiVersion outside this table is an error: it catches a typo in
 * {@code kind}, an outdated apiVersion (autoscaling/v1, policy/v1beta1) and resources nobody reviewed.
 */
final class Manifests {
    static final Path REPOSITORY = RepositoryRoot.PATH;
    static final Path K8S = REPOSITORY.resolve("k8s");

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            // KEDA has no fabric8 model: checked field by field in MonitoringManifestsTest
            "keda.sh/v1alpha1/ScaledObject", GenericKubernetesResource.class);

    /**
     * Fails on unknown fields only through {@link #unknownFields}: fabric8 models keep them in additionalProperties.
     */
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Manifests() {}

    static String typeKey(Map<String, Object> document) {
        return document.get("apiVersion") + "/" + document.get("kind");
    }

    static HasMetadata typed(Map<String, Object> document) {
        Class<? extends HasMetadata> type = KINDS.get(typeKey(document));
        if (type == null) {
            throw new AssertionError("unexpected kind " + typeKey(document) + " (known: " + KINDS.keySet() + ")");
        }
        return JSON.convertValue(document, type);
    }

    /**
     * Paths of fields the model did not recognise. fabric8 never rejects an unknown field, it stores it in
     * additionalProperties; a misspelt {@code readinesProbe} or {@code runAsNonroot} would pass silently and
     * Kubernetes would then ignore (or reject) it. Generic resources (CRDs without a model) are skipped.
     */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        collectUnknown(model, "", found);
        return found;
    }

    private static void collectUnknown(Object node, String path, List<String> found) {
        if (node == null || node instanceof GenericKubernetesResource) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknown(value, path + "." + key, found));
            return;
        }
        if (node instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + index++ + "]", found);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return; // strings, numbers, booleans
        }
        for (Class<?> type = node.getClass();
                type != null && type.getName().startsWith("io.fabric8.");
                type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value = read(field, node);
                if (field.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        found.add(path + " " + extra.keySet());
                    }
                } else {
                    collectUnknown(value, path + "." + field.getName(), found);
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
