package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.deploy.ProjectFiles.Dockerfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Static checks of src/main/docker (no container engine runs here): the images agree with the Quarkus build
 * layout, with the pod's securityContext and with the Kubernetes overlays.
 */
@SuppressWarnings("unchecked")
class ContainerFilesTest {
    private final Rendered cpu = Rendered.of("overlays/cpu");
    private final Rendered gpu = Rendered.of("overlays/gpu");
    private final long podUser = cpu.podSpec().getSecurityContext().getRunAsUser();

    /** Catches: a JVM image missing a fast-jar layer (the app fails to start), a JDK older than the build's release,
     *  a USER other than the pod's runAsUser (files the process cannot read), a port other than Quarkus'. */
    @Test
    void jvmImageRunsTheFastJarAsThePodUser() {
        Dockerfile jvm = Dockerfile.read("Dockerfile.jvm");
        assertTrue(jvm.baseImage().startsWith("registry.access.redhat.com/ubi9/openjdk-"), jvm.baseImage());
        int jdk = Integer.parseInt(jvm.baseImage().replaceAll(".*openjdk-(\\d+).*", "$1"));
        assertTrue(
                jdk >= Integer.parseInt(ProjectFiles.pomProperty("maven.compiler.release")),
                "JDK " + jdk + " older than the release");
        List<String> sources = jvm.copies().stream().map(Map.Entry::getKey).toList();
        for (String layer : List.of(
                "server/target/quarkus-app/lib/",
                "server/target/quarkus-app/*.jar",
                "server/target/quarkus-app/app/",
                "server/target/quarkus-app/quarkus/")) {
            assertTrue(sources.contains(layer), "missing layer " + layer);
        }
        assertEquals(String.valueOf(podUser), jvm.last("USER"), "image USER vs pod runAsUser");
        assertEquals(String.valueOf(DeploymentChecks.settings(cpu).httpPort()), jvm.last("EXPOSE"));
        assertEquals("/deployments/quarkus-run.jar", jvm.environment().get("JAVA_APP_JAR"));
        assertEquals("true", jvm.environment().get("DJL_OFFLINE"));
    }

    /** Catches: the native image's libtorch copy drifting from the native profile's unpack directory or from
     *  PYTORCH_LIBRARY_PATH (DJL then tries to download libtorch), a PYTORCH_VERSION other than the pom's. */
    @Test
    void nativeImageCarriesLibtorchWhereDjlLooks() {
        Dockerfile nativeImage = Dockerfile.read("Dockerfile.native");
        assertTrue(
                nativeImage.baseImage().startsWith("registry.access.redhat.com/ubi9/ubi-minimal"),
                nativeImage.baseImage());
        Map<String, String> copies = Map.ofEntries(nativeImage.copies().toArray(Map.Entry[]::new));
        assertTrue(copies.containsKey("server/target/*-runner"), "copies the native runner");
        String libtorchSource = NativeImageConfigTest.unpackedLibtorchDirectory();
        assertTrue(
                copies.containsKey(libtorchSource),
                "Dockerfile.native must copy " + libtorchSource + ", copies " + copies.keySet());
        Map<String, String> environment = nativeImage.environment();
        assertEquals(copies.get(libtorchSource).replaceAll("/$", ""), environment.get("PYTORCH_LIBRARY_PATH"));
        assertEquals(ProjectFiles.pomProperty("pytorch.version"), environment.get("PYTORCH_VERSION"));
        assertEquals("cpu", environment.get("PYTORCH_FLAVOR"));
        assertEquals(String.valueOf(podUser), nativeImage.last("USER"), "image USER vs pod runAsUser");
        assertEquals("true", environment.get("DJL_OFFLINE"));
    }

    /** Catches: the GPU init container copying from a path the libtorch image does not fill, or to a path other than
     *  the volume the server reads PYTORCH_LIBRARY_PATH from. */
    @Test
    void libtorchImageMatchesTheGpuInitContainer() {
        Dockerfile libtorch = Dockerfile.read("Dockerfile.libtorch-cu128");
        String destination = libtorch.copies().get(0).getValue().replaceAll("/$", "");
        List<String> command = gpu.podSpec().getInitContainers().get(0).getCommand();
        assertEquals(destination + "/.", command.get(command.size() - 2), "init container source");
        String libraryPath = gpu.environment(gpu.server()).get("PYTORCH_LIBRARY_PATH");
        assertEquals(libraryPath + "/", command.get(command.size() - 1), "init container destination");
        assertEquals(String.valueOf(podUser), libtorch.last("USER"));
    }

    /** Catches: a .dockerignore that hides a file the Dockerfiles copy (the build fails on a missing source). */
    @Test
    void dockerignoreLetsTheBuildOutputsThrough() {
        List<String> rules = OverlayContractTest.dockerignore();
        assertEquals("*", rules.get(0), "exclude everything first");
        for (String file : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            for (Map.Entry<String, String> copy : Dockerfile.read(file).copies()) {
                String source = copy.getKey();
                assertTrue(
                        DeploymentChecks.dockerignoreAdmits(rules, source),
                        file + " copies " + source + ", which .dockerignore excludes");
            }
        }
    }

    /** Catches: a server image without the default checkpoint, or whose own PROS_MODEL_PATH (what a plain
     *  `docker run` loads) is not where it copies the checkpoint: both images, without the pod's ConfigMap. */
    @Test
    void bothServerImagesCarryTheModelAtTheirModelPath() {
        Rendered withoutPodModelPath = cpu.mutableCopy();
        ((Map<String, Object>) withoutPodModelPath
                        .document("ConfigMap", "pros-face-config")
                        .get("data"))
                .remove("PROS_MODEL_PATH");
        for (String file : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            DeploymentChecks.modelIsInTheImage(
                    withoutPodModelPath, Dockerfile.read(file), OverlayContractTest.dockerignore());
            assertEquals(
                    cpu.environment(cpu.server()).get("PROS_MODEL_PATH"),
                    Dockerfile.read(file).environment().get("PROS_MODEL_PATH"),
                    file + " and the ConfigMap must name the same model path");
        }
    }
}
