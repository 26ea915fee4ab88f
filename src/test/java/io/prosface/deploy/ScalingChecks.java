package io.prosface.deploy;

import static io.prosface.deploy.DeploymentChecks.require;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks of the hardware overlays (cpu, gpu), the shared job store (postgres) and the autoscaler. */
final class ScalingChecks {
    private static final String GPU = "nvidia.com/gpu";

    private ScalingChecks() {}

    /** Catches: an HPA whose scaleTargetRef misses the Deployment (it silently scales nothing), a Pods metric that no
     *  adapter rule publishes from a series the server exports (the HPA never gets a value: a renamed metric in
     *  MetricNames, a typo), or the CPU fallback removed. */
    static void autoscalerTargetsServer(Rendered rendered, Map<String, String> publishedMetrics) {
        HorizontalPodAutoscaler autoscaler = rendered.autoscaler()
                .orElseThrow(() -> new AssertionError(rendered.name() + ": no HorizontalPodAutoscaler"));
        var target = autoscaler.getSpec().getScaleTargetRef();
        require(
                "apps/v1".equals(target.getApiVersion())
                        && "Deployment".equals(target.getKind())
                        && rendered.deployment().getMetadata().getName().equals(target.getName()),
                rendered,
                "HPA targets " + target.getApiVersion() + " " + target.getKind() + " " + target.getName()
                        + ", not the Deployment "
                        + rendered.deployment().getMetadata().getName());
        require(
                autoscaler.getSpec().getMinReplicas() != null
                        && autoscaler.getSpec().getMinReplicas() >= 1
                        && autoscaler.getSpec().getMinReplicas()
                                <= autoscaler.getSpec().getMaxReplicas(),
                rendered,
                "HPA needs 1 <= minReplicas <= maxReplicas");
        List<MetricSpec> metrics = autoscaler.getSpec().getMetrics();
        List<String> podMetrics = metrics.stream()
                .filter(metric -> "Pods".equals(metric.getType()))
                .map(metric -> metric.getPods().getMetric().getName())
                .toList();
        require(!podMetrics.isEmpty(), rendered, "HPA needs a Pods metric from the server");
        for (String name : podMetrics) {
            require(
                    publishedMetrics.containsKey(name),
                    rendered,
                    "HPA metric " + name + " is published by no prometheus-adapter rule (published: "
                            + publishedMetrics.keySet() + ")");
        }
        require(
                metrics.stream()
                        .anyMatch(metric -> "Resource".equals(metric.getType())
                                && "cpu".equals(metric.getResource().getName())
                                && "Utilization"
                                        .equals(metric.getResource().getTarget().getType())),
                rendered,
                "HPA needs the CPU utilisation fallback");
    }

    /** Catches: autoscaling (or several replicas) with the pod-local job store: a job's status and results live on one
     *  pod while the Service sends the next request to another. */
    static void singleReplicaWithoutSharedStore(Rendered rendered) {
        require(rendered.autoscaler().isEmpty(), rendered, "an HPA needs the shared (postgres) job store");
        require(rendered.minimumReplicas() == 1, rendered, "several replicas need the shared (postgres) job store");
    }

    /** Catches: a GPU overlay that requests no GPU (the pod lands on any node and silently runs on the CPU), cannot
     *  schedule onto tainted GPU nodes, or sets a CUDA libtorch environment DJL cannot honour: a version other than
     *  the pytorch-jni jar's (DJL then tries to download), a flavour the jar ships no JNI library for, a library path
     *  that nothing fills. */
    static void requestsGpuAndCudaLibtorch(Rendered rendered, String pytorchVersion) {
        Container server = rendered.server();
        Quantity limit = server.getResources().getLimits().get(GPU);
        require(
                limit != null && limit.getNumericalAmount().intValue() >= 1,
                rendered,
                "the server must have a " + GPU + " limit");
        Quantity request = server.getResources().getRequests().get(GPU);
        require(request == null || request.equals(limit), rendered, GPU + " request and limit must be equal");
        require(
                rendered.podSpec().getTolerations().stream().anyMatch(toleration -> GPU.equals(toleration.getKey())),
                rendered,
                "GPU nodes are tainted " + GPU + ": the pod needs a toleration for it");
        require(
                !rendered.podSpec().getNodeSelector().isEmpty()
                        || rendered.podSpec().getAffinity() != null,
                rendered,
                "the pod must select GPU nodes (nodeSelector or affinity)");

        Map<String, String> environment = rendered.environment(server);
        require("gpu".equals(environment.get("PROS_INFERENCE_DEVICE")), rendered, "PROS_INFERENCE_DEVICE must be gpu");
        require(
                pytorchVersion.equals(environment.get("PYTORCH_VERSION")),
                rendered,
                "PYTORCH_VERSION must be the pom's pytorch.version " + pytorchVersion + ", is "
                        + environment.get("PYTORCH_VERSION"));
        String flavor = environment.get("PYTORCH_FLAVOR");
        String jni = "jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so";
        require(
                flavor != null
                        && flavor.startsWith("cu")
                        && ScalingChecks.class.getClassLoader().getResource(jni) != null,
                rendered,
                "PYTORCH_FLAVOR " + flavor + " has no CUDA JNI library in pytorch-jni (" + jni + ")");

        String libraryPath = environment.get("PYTORCH_LIBRARY_PATH");
        require(libraryPath != null, rendered, "PYTORCH_LIBRARY_PATH must point at the CUDA libtorch");
        VolumeMount mount = DeploymentChecks.mountCovering(server, libraryPath);
        require(mount != null, rendered, "PYTORCH_LIBRARY_PATH " + libraryPath + " is on no volume");
        boolean filled = rendered.podSpec().getInitContainers().stream()
                .flatMap(init -> init.getVolumeMounts().stream())
                .anyMatch(initMount ->
                        initMount.getName().equals(mount.getName()) && !Boolean.TRUE.equals(initMount.getReadOnly()));
        require(filled, rendered, "no init container writes the libtorch volume " + mount.getName());
    }

    /** Catches: a CPU overlay that asks for a GPU, and OMP_NUM_THREADS out of step with the CPU limit (libtorch then
     *  runs more threads than cores and throughput collapses under the CFS quota). */
    static void cpuOnly(Rendered rendered) {
        Container server = rendered.server();
        require(
                !server.getResources().getLimits().containsKey(GPU),
                rendered,
                "the CPU overlay must not request a GPU");
        Map<String, String> environment = rendered.environment(server);
        require("cpu".equals(environment.get("PROS_INFERENCE_DEVICE")), rendered, "PROS_INFERENCE_DEVICE must be cpu");
        Quantity cpuLimit = server.getResources().getLimits().get("cpu");
        require(cpuLimit != null, rendered, "the CPU overlay needs a cpu limit");
        require(
                String.valueOf(cpuLimit.getNumericalAmount().intValueExact())
                        .equals(environment.get("OMP_NUM_THREADS")),
                rendered,
                "OMP_NUM_THREADS " + environment.get("OMP_NUM_THREADS") + " must equal the cpu limit " + cpuLimit);
    }

    /** Catches: the shared store without redundancy (one replica), datasource settings that are missing, not from a
     *  Secret, or read keys the documented Secret does not have (the pod fails with CreateContainerConfigError). */
    static void sharedJobStore(Rendered rendered, Map<String, Object> exampleSecret) {
        require(rendered.minimumReplicas() >= 2, rendered, "a shared job store deployment runs at least 2 replicas");
        Integer replicas = rendered.deployment().getSpec().getReplicas();
        require(replicas == null || replicas >= 2, rendered, "spec.replicas " + replicas + " is below 2");
        Map<String, String> environment = rendered.environment(rendered.server());
        require(
                "postgresql".equals(environment.get("QUARKUS_DATASOURCE_DB_KIND")),
                rendered,
                "QUARKUS_DATASOURCE_DB_KIND must be postgresql");
        String secretName = YamlDocuments.at(exampleSecret, "metadata", "name");
        Map<String, Object> keys = YamlDocuments.at(exampleSecret, "stringData");
        Set<String> expected = keys.keySet().stream()
                .map(key -> "secret:" + secretName + "/" + key)
                .collect(Collectors.toSet());
        for (String variable :
                List.of("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
            String value = environment.get(variable);
            require(
                    value != null && expected.contains(value),
                    rendered,
                    variable + " must come from a key of Secret " + secretName + " " + keys.keySet() + ", is " + value);
        }
    }
}
