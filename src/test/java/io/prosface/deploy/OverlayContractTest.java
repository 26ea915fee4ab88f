package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Renders the base and every overlay with {@link KustomizeRenderer} and runs the deployment checks on the result:
 * the common ones everywhere, the hardware and job-store ones where the overlay's traits say so.
 */
class OverlayContractTest {
    /** POD_STORE: the embedded H2 job store, on a PersistentVolumeClaim (the base alone has neither store set up:
     *  it is not meant to be deployed). */
    enum Trait {
        CPU,
        GPU,
        SHARED_STORE,
        POD_STORE
    }

    /** Every kustomization that deploys the server, with what it promises. A new overlay must be added here. */
    static final Map<String, Set<Trait>> TRAITS = Map.of(
            "base", EnumSet.noneOf(Trait.class),
            "overlays/cpu", EnumSet.of(Trait.CPU, Trait.POD_STORE),
            "overlays/gpu", EnumSet.of(Trait.GPU, Trait.POD_STORE),
            "overlays/postgres", EnumSet.of(Trait.CPU, Trait.SHARED_STORE),
            "overlays/gpu-postgres", EnumSet.of(Trait.GPU, Trait.SHARED_STORE));

    static final Path EXAMPLE_SECRET = Manifests.K8S.resolve("components/postgres/datasource-secret.example.yaml");
    static final Path EXAMPLE_API_KEYS_SECRET = Manifests.K8S.resolve("base/api-keys-secret.example.yaml");

    /** The image every overlay runs (the JVM one: the native image is CPU only and no overlay names it). */
    static ProjectFiles.Dockerfile serverImage() {
        return ProjectFiles.Dockerfile.read("Dockerfile.jvm");
    }

    /** The non-comment lines of .dockerignore, in order. */
    static List<String> dockerignore() {
        try {
            return Files.readAllLines(Manifests.REPOSITORY.resolve(".dockerignore")).stream()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyOverlayDirectoryHasDeclaredTraits() throws IOException {
        Set<String> onDisk = new TreeSet<>();
        onDisk.add("base");
        try (Stream<Path> overlays = Files.list(Manifests.K8S.resolve("overlays"))) {
            overlays.filter(Files::isDirectory).forEach(overlay -> onDisk.add("overlays/" + overlay.getFileName()));
        }
        assertEquals(new TreeSet<>(TRAITS.keySet()), onDisk, "declare the traits of every overlay in TRAITS");
    }

    @TestFactory
    Stream<DynamicContainer> everyKustomizationPassesItsChecks() {
        return new TreeSet<>(TRAITS.keySet()).stream().map(name -> {
            Rendered rendered = Rendered.of(name);
            return DynamicContainer.dynamicContainer(
                    name,
                    checksFor(TRAITS.get(name)).stream()
                            .map(check -> DynamicTest.dynamicTest(
                                    check.name(), () -> check.run().accept(rendered))));
        });
    }

    record Check(String name, Consumer<Rendered> run) {}

    static List<Check> checksFor(Set<Trait> traits) {
        List<Check> checks = new ArrayList<>(List.of(
                new Check(
                        "resources share the namespace and labels", DeploymentChecks::resourcesShareNamespaceAndLabels),
                new Check(
                        "container port matches quarkus.http.port", DeploymentChecks::containerPortMatchesApplication),
                new Check("probes hit the SmallRye Health endpoints", DeploymentChecks::probesMatchHealthEndpoints),
                new Check("Services reach the server port (http + h2c)", DeploymentChecks::servicesReachTheServer),
                new Check("selectors match the pod labels", DeploymentChecks::selectorsMatchPodLabels),
                new Check("security context is restricted", DeploymentChecks::securityContextIsRestricted),
                new Check("writable paths are volumes", DeploymentChecks::writablePathsAreVolumes),
                new Check("termination outlasts the queue drain", DeploymentChecks::terminationOutlastsDrain),
                new Check("references resolve", DeploymentChecks::referencesResolve),
                new Check("DJL stays offline", DeploymentChecks::djlStaysOffline),
                new Check("resources are bounded", DeploymentChecks::resourcesAreBounded),
                new Check("disruption budget allows drains", DeploymentChecks::disruptionBudgetAllowsDrains),
                new Check(
                        "the image holds the model the pod loads",
                        rendered -> DeploymentChecks.modelIsInTheImage(rendered, serverImage(), dockerignore())),
                new Check(
                        "API keys come from the Secret",
                        rendered -> DeploymentChecks.apiKeysComeFromASecret(
                                rendered,
                                YamlDocuments.read(EXAMPLE_API_KEYS_SECRET).get(0)))));
        if (traits.contains(Trait.CPU)) {
            checks.add(new Check("CPU only, threads match cores", ScalingChecks::cpuOnly));
        }
        if (traits.contains(Trait.GPU)) {
            String pytorchVersion = ProjectFiles.pomProperty("pytorch.version");
            checks.add(new Check(
                    "requests a GPU and CUDA libtorch",
                    rendered -> ScalingChecks.requestsGpuAndCudaLibtorch(rendered, pytorchVersion)));
        }
        if (traits.contains(Trait.SHARED_STORE)) {
            Map<String, Object> secret = YamlDocuments.read(EXAMPLE_SECRET).get(0);
            checks.add(new Check(
                    "shared job store with >= 2 replicas", rendered -> ScalingChecks.sharedJobStore(rendered, secret)));
            checks.add(new Check(
                    "autoscaler targets the server on an exported metric",
                    rendered -> ScalingChecks.autoscalerTargetsServer(rendered, AutoscalingRules.publishedMetrics())));
        } else {
            checks.add(new Check(
                    "one replica with the pod-local job store", ScalingChecks::singleReplicaWithoutSharedStore));
        }
        if (traits.contains(Trait.POD_STORE)) {
            checks.add(new Check(
                    "the embedded job store is on a persistent volume", DeploymentChecks::embeddedStoreIsPersistent));
        }
        return checks;
    }
}
