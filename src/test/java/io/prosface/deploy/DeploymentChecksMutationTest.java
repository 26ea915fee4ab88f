package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Proof that the checks can fail: each case breaks a copy of a real rendered overlay the way a careless edit would,
 * and asserts that the check meant to catch it throws. A check that passes a broken overlay fails this test.
 */
class DeploymentChecksMutationTest {

    /** A deliberate breakage of one overlay and the check that must reject it. */
    record Mutation(String description, String overlay, Consumer<Rendered> breakIt, Consumer<Rendered> check) {}

    @TestFactory
    Stream<DynamicTest> everyCheckRejectsTheBreakageItIsFor() {
        String pytorchVersion = ProjectFiles.pomProperty("pytorch.version");
        Map<String, Object> secret =
                YamlDocuments.read(OverlayContractTest.EXAMPLE_SECRET).get(0);
        Map<String, String> published = AutoscalingRules.publishedMetrics();
        Map<String, Object> apiKeys =
                YamlDocuments.read(OverlayContractTest.EXAMPLE_API_KEYS_SECRET).get(0);
        ProjectFiles.Dockerfile image = OverlayContractTest.serverImage();
        List<String> dockerignore = OverlayContractTest.dockerignore();
        List<Mutation> mutations = List.of(
                new Mutation(
                        "readiness probe on a path Quarkus does not serve",
                        "overlays/cpu",
                        rendered -> probe(rendered, "readinessProbe").put("path", "/health/ready"),
                        DeploymentChecks::probesMatchHealthEndpoints),
                new Mutation(
                        "liveness probe on a port number nobody listens on",
                        "overlays/gpu",
                        rendered -> probe(rendered, "livenessProbe").put("port", 9090),
                        DeploymentChecks::probesMatchHealthEndpoints),
                new Mutation(
                        "container port changed without quarkus.http.port",
                        "overlays/cpu",
                        rendered -> ports(server(rendered)).get(0).put("containerPort", 8081),
                        DeploymentChecks::containerPortMatchesApplication),
                new Mutation(
                        "QUARKUS_HTTP_PORT set in the ConfigMap only",
                        "overlays/cpu",
                        rendered -> data(rendered).put("QUARKUS_HTTP_PORT", "9090"),
                        DeploymentChecks::containerPortMatchesApplication),
                new Mutation(
                        "Service targetPort names no container port",
                        "overlays/gpu",
                        rendered -> servicePorts(rendered).get(0).put("targetPort", "web"),
                        DeploymentChecks::servicesReachTheServer),
                new Mutation(
                        "h2c appProtocol dropped",
                        "overlays/cpu",
                        rendered -> servicePorts(rendered).forEach(port -> port.put("appProtocol", "http")),
                        DeploymentChecks::servicesReachTheServer),
                new Mutation(
                        "Service selector no longer matches the pods",
                        "overlays/postgres",
                        rendered -> at(rendered.document("Service", "pros-face"), "spec", "selector")
                                .put("app.kubernetes.io/component", "api"),
                        DeploymentChecks::selectorsMatchPodLabels),
                new Mutation(
                        "PodDisruptionBudget selects other pods",
                        "overlays/cpu",
                        rendered -> at(
                                        rendered.document("PodDisruptionBudget", "pros-face"),
                                        "spec",
                                        "selector",
                                        "matchLabels")
                                .put("app.kubernetes.io/name", "other"),
                        DeploymentChecks::selectorsMatchPodLabels),
                new Mutation(
                        "writable root filesystem",
                        "overlays/gpu",
                        rendered -> at(server(rendered), "securityContext").put("readOnlyRootFilesystem", false),
                        DeploymentChecks::securityContextIsRestricted),
                new Mutation(
                        "init container may escalate privileges",
                        "overlays/gpu",
                        rendered -> at(
                                        PodTemplates.containers(deployment(rendered))
                                                .get(0),
                                        "securityContext")
                                .put("allowPrivilegeEscalation", true),
                        DeploymentChecks::securityContextIsRestricted),
                new Mutation(
                        "pod runs as root",
                        "overlays/cpu",
                        rendered -> at(deployment(rendered), "spec", "template", "spec", "securityContext")
                                .put("runAsUser", 0),
                        DeploymentChecks::securityContextIsRestricted),
                new Mutation(
                        "DJL cache mount removed",
                        "overlays/cpu",
                        rendered -> mounts(server(rendered))
                                .removeIf(mount -> "/var/cache/djl".equals(mount.get("mountPath"))),
                        DeploymentChecks::writablePathsAreVolumes),
                new Mutation(
                        "DJL cache moved off the volume",
                        "overlays/postgres",
                        rendered -> data(rendered).put("DJL_CACHE_DIR", "/home/jboss/.djl.ai"),
                        DeploymentChecks::writablePathsAreVolumes),
                new Mutation(
                        "grace period shorter than the drain",
                        "overlays/cpu",
                        rendered -> at(deployment(rendered), "spec", "template", "spec")
                                .put("terminationGracePeriodSeconds", 30),
                        DeploymentChecks::terminationOutlastsDrain),
                new Mutation(
                        "preStop sleep removed",
                        "overlays/gpu",
                        rendered -> server(rendered).remove("lifecycle"),
                        DeploymentChecks::terminationOutlastsDrain),
                new Mutation(
                        "volume mount of an undeclared volume",
                        "overlays/gpu",
                        rendered -> mounts(server(rendered))
                                .add(new java.util.LinkedHashMap<>(Map.of("name", "cache", "mountPath", "/cache"))),
                        DeploymentChecks::referencesResolve),
                new Mutation(
                        "DJL allowed online",
                        "overlays/cpu",
                        rendered -> data(rendered).put("DJL_OFFLINE", "false"),
                        DeploymentChecks::djlStaysOffline),
                new Mutation(
                        "memory limit removed",
                        "overlays/gpu",
                        rendered -> at(server(rendered), "resources", "limits").remove("memory"),
                        DeploymentChecks::resourcesAreBounded),
                new Mutation(
                        "budget blocks every drain",
                        "overlays/postgres",
                        rendered -> at(rendered.document("PodDisruptionBudget", "pros-face"), "spec")
                                .put("maxUnavailable", 0),
                        DeploymentChecks::disruptionBudgetAllowsDrains),
                new Mutation(
                        "HPA without the namespace (component resources)",
                        "overlays/postgres",
                        rendered -> KustomizeRenderer.metadata(
                                        rendered.document("HorizontalPodAutoscaler", "pros-face"))
                                .remove("namespace"),
                        DeploymentChecks::resourcesShareNamespaceAndLabels),
                new Mutation(
                        "HPA scales a Deployment that does not exist",
                        "overlays/postgres",
                        rendered -> at(
                                        rendered.document("HorizontalPodAutoscaler", "pros-face"),
                                        "spec",
                                        "scaleTargetRef")
                                .put("name", "pros-face-server"),
                        rendered -> ScalingChecks.autoscalerTargetsServer(rendered, published)),
                new Mutation(
                        "HPA on a metric nobody publishes",
                        "overlays/gpu-postgres",
                        rendered -> at(hpaMetrics(rendered).get(0), "pods", "metric")
                                .put("name", "pros_inference_inflight"),
                        rendered -> ScalingChecks.autoscalerTargetsServer(rendered, published)),
                new Mutation(
                        "HPA without the CPU fallback",
                        "overlays/postgres",
                        rendered -> hpaMetrics(rendered).removeIf(metric -> "Resource".equals(metric.get("type"))),
                        rendered -> ScalingChecks.autoscalerTargetsServer(rendered, published)),
                new Mutation(
                        "GPU limit removed",
                        "overlays/gpu",
                        rendered -> {
                            at(server(rendered), "resources", "limits").remove("nvidia.com/gpu");
                            at(server(rendered), "resources", "requests").remove("nvidia.com/gpu");
                        },
                        rendered -> ScalingChecks.requestsGpuAndCudaLibtorch(rendered, pytorchVersion)),
                new Mutation(
                        "GPU toleration removed",
                        "overlays/gpu-postgres",
                        rendered -> at(deployment(rendered), "spec", "template", "spec")
                                .remove("tolerations"),
                        rendered -> ScalingChecks.requestsGpuAndCudaLibtorch(rendered, pytorchVersion)),
                new Mutation(
                        "CUDA flavour the JNI jar does not ship",
                        "overlays/gpu",
                        rendered -> env(server(rendered), "PYTORCH_FLAVOR").put("value", "cu121"),
                        rendered -> ScalingChecks.requestsGpuAndCudaLibtorch(rendered, pytorchVersion)),
                new Mutation(
                        "PYTORCH_VERSION differs from the pom",
                        "overlays/gpu",
                        rendered -> env(server(rendered), "PYTORCH_VERSION").put("value", "2.5.1"),
                        rendered -> ScalingChecks.requestsGpuAndCudaLibtorch(rendered, pytorchVersion)),
                new Mutation(
                        "libtorch init container removed",
                        "overlays/gpu",
                        rendered -> at(deployment(rendered), "spec", "template", "spec")
                                .remove("initContainers"),
                        rendered -> ScalingChecks.requestsGpuAndCudaLibtorch(rendered, pytorchVersion)),
                new Mutation(
                        "CPU limit raised without OMP_NUM_THREADS",
                        "overlays/cpu",
                        rendered -> at(server(rendered), "resources", "limits").put("cpu", "8"),
                        ScalingChecks::cpuOnly),
                new Mutation(
                        "shared store with one replica",
                        "overlays/postgres",
                        rendered -> at(rendered.document("HorizontalPodAutoscaler", "pros-face"), "spec")
                                .put("minReplicas", 1),
                        rendered -> ScalingChecks.sharedJobStore(rendered, secret)),
                new Mutation(
                        "password read from a key the Secret does not have",
                        "overlays/gpu-postgres",
                        rendered -> at(
                                        env(server(rendered), "QUARKUS_DATASOURCE_PASSWORD"),
                                        "valueFrom",
                                        "secretKeyRef")
                                .put("key", "pass"),
                        rendered -> ScalingChecks.sharedJobStore(rendered, secret)),
                new Mutation(
                        "HPA next to the pod-local job store",
                        "overlays/gpu",
                        rendered -> rendered.documents()
                                .add(YamlDocuments.deepCopy(Rendered.of("overlays/gpu-postgres")
                                        .document("HorizontalPodAutoscaler", "pros-face"))),
                        ScalingChecks::singleReplicaWithoutSharedStore),
                new Mutation(
                        "model path relative to the working directory (pros.model.path's default)",
                        "overlays/cpu",
                        rendered -> data(rendered).put("PROS_MODEL_PATH", "models/default"),
                        rendered -> DeploymentChecks.modelIsInTheImage(rendered, image, dockerignore)),
                new Mutation(
                        "model path the image does not fill",
                        "overlays/gpu-postgres",
                        rendered -> data(rendered).put("PROS_MODEL_PATH", "/models/default"),
                        rendered -> DeploymentChecks.modelIsInTheImage(rendered, image, dockerignore)),
                new Mutation(
                        "H2 file back under the read-only working directory",
                        "overlays/cpu",
                        rendered -> list(server(rendered).get("env"))
                                .removeIf(variable ->
                                        "QUARKUS_DATASOURCE__EMBEDDED__JDBC_URL".equals(variable.get("name"))),
                        DeploymentChecks::embeddedStoreIsPersistent),
                new Mutation(
                        "H2 store volume mount removed (read-only root)",
                        "overlays/gpu",
                        rendered -> mounts(server(rendered)).removeIf(mount -> "job-store".equals(mount.get("name"))),
                        DeploymentChecks::embeddedStoreIsPersistent),
                new Mutation(
                        "H2 store on an emptyDir (lost at every restart)",
                        "overlays/cpu",
                        rendered -> {
                            Map<String, Object> volume = volumes(rendered).stream()
                                    .filter(v -> "job-store".equals(v.get("name")))
                                    .findFirst()
                                    .orElseThrow();
                            volume.remove("persistentVolumeClaim");
                            volume.put("emptyDir", new java.util.LinkedHashMap<>());
                        },
                        DeploymentChecks::embeddedStoreIsPersistent),
                new Mutation(
                        "H2 store claim not rendered",
                        "overlays/gpu",
                        rendered -> rendered.documents()
                                .removeIf(document -> "PersistentVolumeClaim".equals(document.get("kind"))),
                        DeploymentChecks::embeddedStoreIsPersistent),
                new Mutation(
                        "H2 store rolled with a surge pod",
                        "overlays/cpu",
                        rendered -> at(deployment(rendered), "spec")
                                .put("strategy", new java.util.LinkedHashMap<>(Map.of("type", "RollingUpdate"))),
                        DeploymentChecks::embeddedStoreIsPersistent),
                new Mutation(
                        "API key Secret reference removed",
                        "overlays/gpu-postgres",
                        rendered -> list(server(rendered).get("env"))
                                .removeIf(variable -> "PROS_AUTH_API_KEYS_ADMIN_KEY".equals(variable.get("name"))),
                        rendered -> DeploymentChecks.apiKeysComeFromASecret(rendered, apiKeys)),
                new Mutation(
                        "API key written into the manifests",
                        "base",
                        rendered -> {
                            Map<String, Object> variable = env(server(rendered), "PROS_AUTH_API_KEYS_ADMIN_KEY");
                            variable.remove("valueFrom");
                            variable.put("value", "change-me");
                        },
                        rendered -> DeploymentChecks.apiKeysComeFromASecret(rendered, apiKeys)),
                new Mutation(
                        "API key read from a key the Secret does not have",
                        "overlays/cpu",
                        rendered -> at(
                                        env(server(rendered), "PROS_AUTH_API_KEYS_ADMIN_KEY"),
                                        "valueFrom",
                                        "secretKeyRef")
                                .put("key", "api-key"),
                        rendered -> DeploymentChecks.apiKeysComeFromASecret(rendered, apiKeys)));

        return mutations.stream()
                .map(mutation -> DynamicTest.dynamicTest(mutation.overlay() + ": " + mutation.description(), () -> {
                    Rendered broken = Rendered.of(mutation.overlay()).mutableCopy();
                    mutation.check().accept(Rendered.of(mutation.overlay())); // the intact overlay passes
                    mutation.breakIt().accept(broken);
                    assertThrows(
                            AssertionError.class,
                            () -> mutation.check().accept(broken),
                            "the check let this through: " + mutation.description());
                }));
    }

    /** A breakage of the image's files (Dockerfile.jvm, .dockerignore) and/or of an overlay, for the model check. */
    record ImageMutation(
            String description,
            String overlay,
            Consumer<Rendered> breakOverlay,
            UnaryOperator<List<Map.Entry<String, String>>> breakDockerfile,
            UnaryOperator<List<String>> breakDockerignore) {}

    @TestFactory
    Stream<DynamicTest> theModelCheckRejectsImagesWithoutTheModel() {
        List<ImageMutation> mutations = List.of(
                new ImageMutation(
                        "Dockerfile.jvm does not copy models/default",
                        "overlays/cpu",
                        rendered -> {},
                        instructions -> without(
                                instructions,
                                entry -> entry.getKey().equals("COPY")
                                        && entry.getValue().contains("models/")),
                        rules -> rules),
                new ImageMutation(
                        ".dockerignore keeps models/ out of the build context",
                        "overlays/gpu",
                        rendered -> {},
                        instructions -> instructions,
                        rules -> without(rules, rule -> rule.contains("models"))),
                new ImageMutation(
                        "neither the pod nor the image sets PROS_MODEL_PATH",
                        "overlays/postgres",
                        rendered -> data(rendered).remove("PROS_MODEL_PATH"),
                        instructions -> without(
                                instructions,
                                entry -> entry.getKey().equals("ENV")
                                        && entry.getValue().contains("PROS_MODEL_PATH")),
                        rules -> rules));
        ProjectFiles.Dockerfile image = OverlayContractTest.serverImage();
        List<String> dockerignore = OverlayContractTest.dockerignore();
        return mutations.stream()
                .map(mutation -> DynamicTest.dynamicTest(mutation.overlay() + ": " + mutation.description(), () -> {
                    DeploymentChecks.modelIsInTheImage(
                            Rendered.of(mutation.overlay()), image, dockerignore); // intact files pass
                    Rendered broken = Rendered.of(mutation.overlay()).mutableCopy();
                    mutation.breakOverlay().accept(broken);
                    ProjectFiles.Dockerfile brokenImage = new ProjectFiles.Dockerfile(
                            mutation.breakDockerfile().apply(image.instructions()));
                    List<String> brokenRules = mutation.breakDockerignore().apply(dockerignore);
                    assertThrows(
                            AssertionError.class,
                            () -> DeploymentChecks.modelIsInTheImage(broken, brokenImage, brokenRules),
                            "the check let this through: " + mutation.description());
                }));
    }

    private static <T> List<T> without(List<T> items, java.util.function.Predicate<T> drop) {
        List<T> kept = new ArrayList<>(items);
        require(kept.removeIf(drop), "the mutation removed nothing");
        return kept;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static List<Map<String, Object>> volumes(Rendered rendered) {
        return list(YamlDocuments.at(deployment(rendered), "spec", "template", "spec", "volumes"));
    }

    private static Map<String, Object> deployment(Rendered rendered) {
        return rendered.document("Deployment", "pros-face");
    }

    private static Map<String, Object> server(Rendered rendered) {
        return PodTemplates.containers(deployment(rendered)).stream()
                .filter(container -> "server".equals(container.get("name")))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, Object> probe(Rendered rendered, String probe) {
        return at(server(rendered), probe, "httpGet");
    }

    private static Map<String, Object> data(Rendered rendered) {
        return at(rendered.document("ConfigMap", "pros-face-config"), "data");
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream()
                .filter(variable -> name.equals(variable.get("name")))
                .findFirst()
                .orElseThrow();
    }

    private static List<Map<String, Object>> ports(Map<String, Object> container) {
        return list(container.get("ports"));
    }

    private static List<Map<String, Object>> mounts(Map<String, Object> container) {
        return list(container.get("volumeMounts"));
    }

    private static List<Map<String, Object>> servicePorts(Rendered rendered) {
        List<Map<String, Object>> ports = new ArrayList<>();
        for (Map<String, Object> document : rendered.documents()) {
            if ("Service".equals(document.get("kind"))) {
                ports.addAll(list(YamlDocuments.at(document, "spec", "ports")));
            }
        }
        return ports;
    }

    private static List<Map<String, Object>> hpaMetrics(Rendered rendered) {
        return list(YamlDocuments.at(rendered.document("HorizontalPodAutoscaler", "pros-face"), "spec", "metrics"));
    }

    private static Map<String, Object> at(Map<String, Object> root, String... keys) {
        Map<String, Object> node = YamlDocuments.at(root, keys);
        if (node == null) {
            throw new IllegalStateException("no " + String.join(".", keys));
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
