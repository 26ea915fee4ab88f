package io.prosface.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checks every rendered kustomization must pass. Each one throws an AssertionError naming the kustomization and
 * what is wrong; its javadoc says which breaking change it catches, and DeploymentChecksMutationTest makes each
 * one fail on a deliberately broken copy of a real overlay.
 */
final class DeploymentChecks {
    private DeploymentChecks() {}

    static void require(boolean condition, Rendered rendered, String message) {
        if (!condition) {
            throw new AssertionError(rendered.name() + ": " + message);
        }
    }

    static ApplicationSettings settings(Rendered rendered) {
        return ApplicationSettings.forEnvironment(rendered.environment(rendered.server()));
    }

    /** Catches: quarkus.http.port changed (or QUARKUS_HTTP_PORT set) but not the containerPort, or vice versa. */
    static void containerPortMatchesApplication(Rendered rendered) {
        int port = settings(rendered).httpPort();
        ContainerPort http = rendered.server().getPorts().stream()
                .filter(candidate -> "http".equals(candidate.getName()))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError(rendered.name() + ": the server has no container port named 'http'"));
        require(
                http.getContainerPort() == port,
                rendered,
                "container port 'http' is " + http.getContainerPort() + " but Quarkus listens on " + port);
    }

    /** Catches: a probe path or port that is not the server's SmallRye Health endpoint: no pod ever gets ready
     *  (readiness), or the kubelet kills healthy pods in a loop (startup, liveness). */
    static void probesMatchHealthEndpoints(Rendered rendered) {
        ApplicationSettings settings = settings(rendered);
        Container server = rendered.server();
        Map<String, Probe> probes = new java.util.LinkedHashMap<>();
        probes.put("startup", server.getStartupProbe());
        probes.put("liveness", server.getLivenessProbe());
        probes.put("readiness", server.getReadinessProbe());
        probes.forEach((kind, probe) -> {
            require(probe != null && probe.getHttpGet() != null, rendered, kind + " probe must be an httpGet probe");
            require(
                    settings.healthPath(kind).equals(probe.getHttpGet().getPath()),
                    rendered,
                    kind + " probe path " + probe.getHttpGet().getPath() + " is not " + settings.healthPath(kind));
            int port = resolvePort(rendered, server, probe.getHttpGet().getPort());
            require(
                    port == settings.observabilityPort(),
                    rendered,
                    kind + " probe port " + port + " is not the health port " + settings.observabilityPort());
        });
    }

    /** Catches: a Service port whose targetPort names no container port (no endpoints, connection refused), and
     *  losing the h2c port that meshes and ingresses need to speak gRPC (HTTP/2 cleartext) to the pods. */
    static void servicesReachTheServer(Rendered rendered) {
        int httpPort = settings(rendered).httpPort();
        require(!rendered.services().isEmpty(), rendered, "no Service");
        for (Service service : rendered.services()) {
            for (ServicePort port : service.getSpec().getPorts()) {
                int target = resolvePort(rendered, rendered.server(), port.getTargetPort());
                require(
                        target == httpPort,
                        rendered,
                        "Service " + service.getMetadata().getName() + " port " + port.getName() + " targets " + target
                                + ", not the server's " + httpPort);
            }
        }
        List<String> protocols = rendered.services().stream()
                .flatMap(service -> service.getSpec().getPorts().stream())
                .map(ServicePort::getAppProtocol)
                .toList();
        require(
                protocols.contains("http") && protocols.contains("kubernetes.io/h2c"),
                rendered,
                "Services must offer appProtocol http and kubernetes.io/h2c, found " + protocols);
    }

    /** Catches: label edits that detach the Deployment (apply rejected), a Service (no endpoints) or the PDB
     *  (protects nothing) from the pods. */
    static void selectorsMatchPodLabels(Rendered rendered) {
        Map<String, String> podLabels =
                rendered.deployment().getSpec().getTemplate().getMetadata().getLabels();
        requireSelects(rendered, "Deployment", rendered.deployment().getSpec().getSelector(), podLabels);
        for (Service service : rendered.services()) {
            Map<String, String> selector = service.getSpec().getSelector();
            require(
                    selector != null && !selector.isEmpty(),
                    rendered,
                    "Service " + service.getMetadata().getName() + " has no selector");
            require(
                    podLabels.entrySet().containsAll(selector.entrySet()),
                    rendered,
                    "Service " + service.getMetadata().getName() + " selector " + selector
                            + " does not match pod labels " + podLabels);
        }
        rendered.disruptionBudget()
                .ifPresent(budget -> requireSelects(
                        rendered, "PodDisruptionBudget", budget.getSpec().getSelector(), podLabels));
    }

    private static void requireSelects(
            Rendered rendered, String what, LabelSelector selector, Map<String, String> podLabels) {
        require(
                selector != null
                        && selector.getMatchLabels() != null
                        && !selector.getMatchLabels().isEmpty(),
                rendered,
                what + " needs matchLabels");
        require(
                selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty(),
                rendered,
                what + ": matchExpressions are not checked here, use matchLabels");
        require(
                podLabels.entrySet().containsAll(selector.getMatchLabels().entrySet()),
                rendered,
                what + " selector " + selector.getMatchLabels() + " does not match pod labels " + podLabels);
    }

    /** Catches: a container running as root, a writable root filesystem, privilege escalation or kept capabilities
     *  (Pod Security "restricted" namespaces reject the pod), or a mounted API token the server never needs. */
    static void securityContextIsRestricted(Rendered rendered) {
        PodSpec pod = rendered.podSpec();
        PodSecurityContext podContext = pod.getSecurityContext();
        require(
                podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot()),
                rendered,
                "pod must set runAsNonRoot: true");
        require(
                podContext.getRunAsUser() != null && podContext.getRunAsUser() != 0,
                rendered,
                "pod must run as a non-zero runAsUser");
        require(
                podContext.getSeccompProfile() != null
                        && "RuntimeDefault"
                                .equals(podContext.getSeccompProfile().getType()),
                rendered,
                "pod must use the RuntimeDefault seccomp profile");
        require(
                Boolean.FALSE.equals(pod.getAutomountServiceAccountToken()),
                rendered,
                "the API token must not be mounted");
        for (Container container : allContainers(pod)) {
            SecurityContext context = container.getSecurityContext();
            String name = "container " + container.getName();
            require(context != null, rendered, name + " has no securityContext");
            require(
                    Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()),
                    rendered,
                    name + ": allowPrivilegeEscalation must be false");
            require(
                    Boolean.TRUE.equals(context.getReadOnlyRootFilesystem()),
                    rendered,
                    name + ": readOnlyRootFilesystem must be true");
            require(!Boolean.TRUE.equals(context.getPrivileged()), rendered, name + " must not be privileged");
            require(!Long.valueOf(0).equals(context.getRunAsUser()), rendered, name + " overrides runAsUser with root");
            require(
                    context.getCapabilities() != null
                            && context.getCapabilities().getDrop().contains("ALL")
                            && context.getCapabilities().getAdd().isEmpty(),
                    rendered,
                    name + " must drop ALL capabilities and add none");
        }
    }

    /** Catches: on the read-only root filesystem, a missing writable volume for /tmp (OpenCV, Vert.x), the DJL cache
     *  (libtorch extraction: the pod crashes at start) or the multipart upload directory (uploads fail). */
    static void writablePathsAreVolumes(Rendered rendered) {
        Map<String, String> environment = rendered.environment(rendered.server());
        List<String> paths = new ArrayList<>(List.of("/tmp"));
        for (String variable : List.of("DJL_CACHE_DIR", "QUARKUS_HTTP_BODY_UPLOADS_DIRECTORY")) {
            require(
                    environment.get(variable) != null,
                    rendered,
                    variable + " must be set: the default lies on the read-only root");
            paths.add(environment.get(variable));
        }
        if (environment.get("ENGINE_CACHE_DIR") != null) {
            paths.add(environment.get("ENGINE_CACHE_DIR"));
        }
        for (String path : paths) {
            VolumeMount mount = mountCovering(rendered.server(), path);
            require(
                    mount != null && !Boolean.TRUE.equals(mount.getReadOnly()),
                    rendered,
                    path + " is not on a writable volume mount");
            Volume volume = volume(rendered, mount.getName());
            require(
                    volume.getEmptyDir() != null || volume.getPersistentVolumeClaim() != null,
                    rendered,
                    path + " must be an emptyDir or a PersistentVolumeClaim, not " + volume);
        }
    }

    /** The images' default checkpoint: its source in the repository (see .dockerignore and src/main/docker). */
    static final String MODEL_SOURCE = "models/default";

    /** Catches: pods that cannot load a model ("cannot serve the checkpoint"): an image that does not copy
     *  models/default (or a .dockerignore that keeps it out of the build context), and a model path (PROS_MODEL_PATH
     *  from the pod, else from the image) that is relative - pros.model.path's default, models/default, resolves
     *  against the image's working directory, where nothing lies - or names a directory the image does not fill. */
    static void modelIsInTheImage(Rendered rendered, ProjectFiles.Dockerfile image, List<String> dockerignore) {
        String path = rendered.environment(rendered.server()).get("PROS_MODEL_PATH");
        if (path == null) {
            path = image.environment().get("PROS_MODEL_PATH");
        }
        require(
                path != null,
                rendered,
                "neither the pod nor the image sets PROS_MODEL_PATH: the default, " + MODEL_SOURCE
                        + ", is relative to the image's working directory, where no model lies");
        require(
                path.startsWith("/"),
                rendered,
                "PROS_MODEL_PATH " + path
                        + " is relative to the working directory, not where the image puts the model");
        String target = stripSlash(path);
        String source = image.copies().stream()
                .filter(copy -> stripSlash(copy.getValue()).equals(target))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        require(source != null, rendered, "the image copies no checkpoint to PROS_MODEL_PATH " + path);
        require(
                stripSlash(source).equals(MODEL_SOURCE),
                rendered,
                "the image fills " + path + " from " + source + ", not " + MODEL_SOURCE);
        require(
                java.nio.file.Files.isRegularFile(
                        Manifests.REPOSITORY.resolve(MODEL_SOURCE).resolve("config.json")),
                rendered,
                MODEL_SOURCE + " holds no checkpoint (config.json)");
        require(
                dockerignoreAdmits(dockerignore, source),
                rendered,
                ".dockerignore keeps " + source + " out of the build context");
    }

    /** Whether a .dockerignore (its non-comment lines, in order) lets {@code source} into the build context: the
     *  last matching rule decides, {@code !} re-admits. Handles the forms used here: {@code *}, path prefixes. */
    static boolean dockerignoreAdmits(List<String> rules, String source) {
        boolean admitted = true;
        for (String rule : rules) {
            boolean negated = rule.startsWith("!");
            String pattern = stripSlash(negated ? rule.substring(1) : rule);
            boolean matches = pattern.equals("*")
                    || source.equals(pattern)
                    || stripSlash(source).equals(pattern)
                    || source.startsWith(pattern + "/")
                    || (pattern.endsWith("*") && source.startsWith(pattern.substring(0, pattern.length() - 1)));
            if (matches) {
                admitted = negated;
            }
        }
        return admitted;
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Catches: the embedded H2 job store on the read-only root filesystem (the server fails at start) or on a volume
     *  that does not outlive the pod (every job and fine-tuned head lost at a restart), and a single-pod store that
     *  a rollout or a second replica would open twice (one ReadWriteOnce claim, one H2 file lock). */
    static void embeddedStoreIsPersistent(Rendered rendered) {
        Container server = rendered.server();
        String profile = rendered.environment(server).getOrDefault("QUARKUS_PROFILE", "prod");
        require(
                !profile.contains("postgres"),
                rendered,
                "QUARKUS_PROFILE " + profile + " selects the shared store, not the embedded one");
        String url = settings(rendered).get("quarkus.datasource.\"embedded\".jdbc.url", null);
        require(
                url != null && url.startsWith("jdbc:h2:file:"),
                rendered,
                "the embedded store is not an H2 file: " + url);
        String file = url.substring("jdbc:h2:file:".length()).split(";")[0];
        require(
                file.startsWith("/"),
                rendered,
                "the H2 file " + file + " is relative to the working directory, on the read-only root"
                        + " filesystem: set QUARKUS_DATASOURCE__EMBEDDED__JDBC_URL to a path on the store's volume");
        String directory = file.substring(0, file.lastIndexOf('/'));
        VolumeMount mount = mountCovering(server, directory.isEmpty() ? "/" : directory);
        require(
                mount != null && !Boolean.TRUE.equals(mount.getReadOnly()),
                rendered,
                "the H2 file " + file + " is not on a writable volume");
        Volume volume = volume(rendered, mount.getName());
        require(
                volume.getPersistentVolumeClaim() != null,
                rendered,
                "the H2 file " + file + " lies on volume " + mount.getName()
                        + ", which is not a PersistentVolumeClaim: jobs and heads would be lost at every restart");
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        require(
                rendered.documents().stream()
                        .anyMatch(document -> "PersistentVolumeClaim".equals(document.get("kind"))
                                && claim.equals(
                                        KustomizeRenderer.metadata(document).get("name"))),
                rendered,
                "PersistentVolumeClaim " + claim + " is not rendered");
        Integer replicas = rendered.deployment().getSpec().getReplicas();
        require(
                replicas != null && replicas == 1,
                rendered,
                "the embedded store serves one pod: replicas must be 1, is " + replicas);
        var strategy = rendered.deployment().getSpec().getStrategy();
        require(
                strategy != null && "Recreate".equals(strategy.getType()),
                rendered,
                "a rolling update starts a second pod on the same ReadWriteOnce claim and H2 file: use the Recreate strategy");
    }

    /** Catches: no API key reaching the server (it then refuses every fine-tuning and head-management call), a key
     *  written into the manifests instead of read from a Secret, and a key read from a Secret name or key other than
     *  the documented one's (the pod fails with CreateContainerConfigError). */
    static void apiKeysComeFromASecret(Rendered rendered, Map<String, Object> exampleSecret) {
        Map<String, String> environment = rendered.environment(rendered.server());
        String secretName = YamlDocuments.at(exampleSecret, "metadata", "name");
        Map<String, Object> keys = YamlDocuments.at(exampleSecret, "stringData");
        List<String> variables = environment.keySet().stream()
                .filter(variable -> variable.matches("PROS_AUTH_API_KEYS_[A-Z0-9]+_KEY"))
                .toList();
        require(
                !variables.isEmpty(),
                rendered,
                "no API key (PROS_AUTH_API_KEYS_<NAME>_KEY): every fine-tuning call is refused");
        for (String variable : variables) {
            String value = environment.get(variable);
            require(
                    value != null && value.startsWith("secret:"),
                    rendered,
                    variable + " must come from a Secret, not the manifests");
            require(
                    keys.keySet().stream().anyMatch(key -> value.equals("secret:" + secretName + "/" + key)),
                    rendered,
                    variable + " reads " + value + ", not a key of Secret " + secretName + " " + keys.keySet());
        }
    }

    /** Catches: a grace period shorter than the preStop sleep plus Quarkus' drain (quarkus.shutdown.timeout): the
     *  kubelet SIGKILLs the server with requests still queued. Also catches a removed preStop sleep, which lets new
     *  requests arrive at a server that is already shutting down. */
    static void terminationOutlastsDrain(Rendered rendered) {
        long grace = rendered.podSpec().getTerminationGracePeriodSeconds() == null
                ? 30
                : rendered.podSpec().getTerminationGracePeriodSeconds();
        long sleep = preStopSleepSeconds(rendered);
        long drain = settings(rendered).shutdownTimeout().toSeconds();
        require(sleep > 0, rendered, "the server needs a preStop sleep so endpoints drop the pod before SIGTERM");
        require(
                grace > sleep + drain,
                rendered,
                "terminationGracePeriodSeconds " + grace + " must exceed preStop sleep " + sleep
                        + " s + quarkus.shutdown.timeout " + drain + " s");
    }

    private static long preStopSleepSeconds(Rendered rendered) {
        Lifecycle lifecycle = rendered.server().getLifecycle();
        if (lifecycle == null || lifecycle.getPreStop() == null) {
            return 0;
        }
        if (lifecycle.getPreStop().getSleep() != null) {
            return lifecycle.getPreStop().getSleep().getSeconds();
        }
        List<String> command = lifecycle.getPreStop().getExec() == null
                ? List.of()
                : lifecycle.getPreStop().getExec().getCommand();
        require(
                command.size() == 2 && command.get(0).endsWith("sleep"),
                rendered,
                "preStop must be [sleep, N], got " + command);
        return Long.parseLong(command.get(1));
    }

    /** Catches: dangling names Kubernetes only reports at apply or pod start: a volumeMount of an undeclared volume,
     *  envFrom a ConfigMap that is not rendered, a ServiceAccount that does not exist. */
    static void referencesResolve(Rendered rendered) {
        PodSpec pod = rendered.podSpec();
        for (Container container : allContainers(pod)) {
            container.getVolumeMounts().forEach(mount -> volume(rendered, mount.getName()));
            rendered.environment(container); // resolves every envFrom/configMapKeyRef, fails on a missing ConfigMap
        }
        String account = pod.getServiceAccountName();
        require(
                account != null
                        && rendered.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).stream()
                                .anyMatch(candidate ->
                                        account.equals(candidate.getMetadata().getName())),
                rendered,
                "serviceAccountName " + account + " is not rendered");
    }

    /** Catches: DJL allowed to download engines or models at run time (slow or failing starts behind egress rules). */
    static void djlStaysOffline(Rendered rendered) {
        require(
                "true".equals(rendered.environment(rendered.server()).get("DJL_OFFLINE")),
                rendered,
                "DJL_OFFLINE must be true");
    }

    /** Catches: missing CPU/memory requests (the HPA's CPU utilisation is undefined, BestEffort pods are evicted first)
     *  or a missing memory limit (libtorch's native allocations can take the whole node). */
    static void resourcesAreBounded(Rendered rendered) {
        var resources = rendered.server().getResources();
        require(
                resources != null
                        && resources.getRequests().containsKey("cpu")
                        && resources.getRequests().containsKey("memory"),
                rendered,
                "the server must request cpu and memory");
        require(resources.getLimits().containsKey("memory"), rendered, "the server must have a memory limit");
    }

    /** Catches: a budget that blocks node drains (minAvailable >= the minimum replica count, maxUnavailable 0). */
    static void disruptionBudgetAllowsDrains(Rendered rendered) {
        PodDisruptionBudget budget = rendered.disruptionBudget()
                .orElseThrow(() -> new AssertionError(rendered.name() + ": no PodDisruptionBudget"));
        IntOrString maxUnavailable = budget.getSpec().getMaxUnavailable();
        IntOrString minAvailable = budget.getSpec().getMinAvailable();
        if (maxUnavailable != null) {
            require(
                    maxUnavailable.getIntVal() != null
                            ? maxUnavailable.getIntVal() >= 1
                            : !maxUnavailable.getStrVal().equals("0%"),
                    rendered,
                    "maxUnavailable must allow at least one eviction");
        }
        if (minAvailable != null) {
            require(
                    minAvailable.getIntVal() != null && minAvailable.getIntVal() < rendered.minimumReplicas(),
                    rendered,
                    "minAvailable " + minAvailable + " blocks drains with " + rendered.minimumReplicas()
                            + " replica(s)");
        }
    }

    /** Catches: a resource outside the Deployment's namespace (an HPA or PDB there governs nothing; a component's
     *  resources miss the base's namespace unless the overlay sets it again) or without the part-of label. */
    static void resourcesShareNamespaceAndLabels(Rendered rendered) {
        String namespace = rendered.deployment().getMetadata().getNamespace();
        require(namespace != null, rendered, "the Deployment has no namespace");
        for (Map<String, Object> document : rendered.documents()) {
            Map<String, Object> metadata = KustomizeRenderer.metadata(document);
            String id = document.get("kind") + " " + metadata.get("name");
            require(
                    namespace.equals(metadata.get("namespace")),
                    rendered,
                    id + " is in namespace " + metadata.get("namespace") + ", not " + namespace);
            require(
                    "pros-face".equals(YamlDocuments.at(metadata, "labels", "app.kubernetes.io/part-of")),
                    rendered,
                    id + " lacks the label app.kubernetes.io/part-of: pros-face");
        }
    }

    static List<Container> allContainers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                .toList();
    }

    static VolumeMount mountCovering(Container container, String path) {
        return container.getVolumeMounts().stream()
                .filter(mount -> path.equals(mount.getMountPath()) || path.startsWith(mount.getMountPath() + "/"))
                .findFirst()
                .orElse(null);
    }

    static Volume volume(Rendered rendered, String name) {
        return rendered.podSpec().getVolumes().stream()
                .filter(volume -> name.equals(volume.getName()))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError(rendered.name() + ": volume " + name + " is mounted but not declared"));
    }

    /** A port given by number or by container port name, as probes and Services do. */
    static int resolvePort(Rendered rendered, Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(candidate -> port.getStrVal().equals(candidate.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError(rendered.name() + ": no container port named " + port.getStrVal()));
    }
}
