package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The test renderer's semantics, and (where kubectl is installed) its agreement with the real kustomize. */
class KustomizeRendererTest {

    private static Map<String, Object> one(String yaml) {
        return YamlDocuments.read(yaml).get(0);
    }

    @Test
    void strategicMergeMergesMapsAndNamedListsAndReplacesOthers() {
        Map<String, Object> deployment = one("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  replicas: 1
                  template:
                    spec:
                      tolerations: [{key: a, operator: Exists}]
                      containers:
                        - name: server
                          env: [{name: A, value: "1"}, {name: B, value: "2"}]
                          volumeMounts: [{name: tmp, mountPath: /tmp}]
                """);
        Map<String, Object> patch = one("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  replicas: null
                  template:
                    spec:
                      tolerations: [{key: b, operator: Exists}]
                      containers:
                        - name: server
                          env: [{name: B, value: "3"}, {name: C, value: "4"}]
                          volumeMounts: [{name: other, mountPath: /tmp, readOnly: true}]
                """);
        Map<String, Object> before = YamlDocuments.deepCopy(deployment);
        Map<String, Object> merged = StrategicMerge.apply(deployment, patch);
        assertFalse(((Map<?, ?>) merged.get("spec")).containsKey("replicas"), "null deletes");
        assertEquals(
                List.of(Map.of("key", "b", "operator", "Exists")),
                YamlDocuments.at(merged, "spec", "template", "spec", "tolerations"),
                "tolerations have no merge key: replaced");
        Map<String, Object> server = PodTemplates.containers(merged).get(0);
        assertEquals(
                List.of(
                        Map.of("name", "A", "value", "1"),
                        Map.of("name", "B", "value", "3"),
                        Map.of("name", "C", "value", "4")),
                server.get("env"),
                "env merges by name, new entries appended");
        assertEquals(
                List.of(Map.of("name", "other", "mountPath", "/tmp", "readOnly", true)),
                server.get("volumeMounts"),
                "volumeMounts merge by mountPath");
        assertEquals(before, deployment, "the input is not modified");
    }

    @Test
    void listsOfCustomResourcesAreReplaced() {
        Map<String, Object> monitor =
                one("{apiVersion: monitoring.coreos.com/v1, kind: ServiceMonitor, spec: {endpoints: [{port: a}]}}");
        Map<String, Object> merged = StrategicMerge.apply(monitor, one("{spec: {endpoints: [{port: b}]}}"));
        assertEquals(List.of(Map.of("port", "b")), YamlDocuments.at(merged, "spec", "endpoints"));
    }

    @Test
    void patchDirectivesAreRejected() {
        Map<String, Object> target = one("{apiVersion: v1, kind: ConfigMap, data: {a: b}}");
        assertThrows(
                UnsupportedOperationException.class,
                () -> StrategicMerge.apply(target, one("{data: {$patch: replace}}")));
    }

    @Test
    void unsupportedKustomizeFeaturesFailTheRender(@TempDir Path directory) throws IOException {
        Files.writeString(
                directory.resolve("kustomization.yaml"), "kind: Kustomization\nnamePrefix: x-\nresources: []\n");
        assertThrows(UnsupportedOperationException.class, () -> KustomizeRenderer.render(directory));
    }

    @Test
    void aPatchMatchingNothingFailsTheRender(@TempDir Path directory) throws IOException {
        Files.writeString(
                directory.resolve("kustomization.yaml"),
                "kind: Kustomization\nresources: [cm.yaml]\npatches: [{path: p.yaml}]\n");
        Files.writeString(directory.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        Files.writeString(
                directory.resolve("p.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}\n");
        assertThrows(IllegalArgumentException.class, () -> KustomizeRenderer.render(directory));
    }

    @Test
    void imagesNamespaceAndLabelsAreApplied(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("kustomization.yaml"), """
                kind: Kustomization
                namespace: ns
                labels: [{pairs: {team: a}, includeTemplates: true}]
                images: [{name: repo/app, newName: registry.example/app, newTag: "2"}]
                resources: [d.yaml]
                """);
        Files.writeString(directory.resolve("d.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec: {template: {spec: {containers: [{name: c, image: "repo/app:1"}, {name: s, image: other:1}]}}}
                """);
        Map<String, Object> deployment = KustomizeRenderer.render(directory).get(0);
        assertEquals("ns", YamlDocuments.at(deployment, "metadata", "namespace"));
        assertEquals("a", YamlDocuments.at(deployment, "spec", "template", "metadata", "labels", "team"));
        assertEquals(
                List.of("registry.example/app:2", "other:1"),
                PodTemplates.containers(deployment).stream()
                        .map(container -> container.get("image"))
                        .toList());
    }

    /** Every kustomization under k8s/, rendered by us and by kubectl, must give the same resources. */
    @TestFactory
    Stream<DynamicTest> rendersLikeKubectlKustomize() throws IOException {
        assumeTrue(kubectlAvailable(), "kubectl is not installed: the renderer is checked by its unit tests only");
        List<Path> directories = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Manifests.K8S)) {
            files.filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent)
                    .filter(directory -> "Kustomization"
                            .equals(YamlDocuments.read(directory.resolve("kustomization.yaml"))
                                    .get(0)
                                    .get("kind")))
                    .sorted()
                    .forEach(directories::add);
        }
        return directories.stream()
                .map(directory -> DynamicTest.dynamicTest(
                        Manifests.K8S.relativize(directory).toString(), () -> {
                            Map<String, Object> ours = normalised(KustomizeRenderer.render(directory));
                            Map<String, Object> theirs = normalised(YamlDocuments.read(kubectlKustomize(directory)));
                            assertEquals(theirs, ours);
                        }));
    }

    private static boolean kubectlAvailable() {
        try {
            return run(List.of("kubectl", "version", "--client")).exitCode() == 0;
        } catch (IOException e) {
            return false; // not installed
        }
    }

    private static String kubectlKustomize(Path directory) throws IOException {
        Result result = run(List.of("kubectl", "kustomize", directory.toString()));
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + directory + " failed: " + result.errors());
        }
        return result.output();
    }

    record Result(int exitCode, String output, String errors) {}

    /** Runs a command with its output in a file (no pipe to block on), killed after 60 s. */
    private static Result run(List<String> command) throws IOException {
        Path output = Files.createTempFile("kubectl", ".out");
        Path errors = Files.createTempFile("kubectl", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "", "timed out: " + command);
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(output, StandardCharsets.UTF_8),
                    Files.readString(errors, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    /**
     * Resources keyed by kind/namespace/name, lists of named elements sorted (kustomize may order them differently).
     */
    private static Map<String, Object> normalised(List<Map<String, Object>> resources) {
        Map<String, Object> byId = new TreeMap<>();
        for (Map<String, Object> resource : resources) {
            Map<String, Object> metadata = KustomizeRenderer.metadata(resource);
            byId.put(
                    resource.get("kind") + "/" + metadata.get("namespace") + "/" + metadata.get("name"),
                    sortNamedLists(resource));
        }
        return byId;
    }

    private static Object sortNamedLists(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, value) -> sorted.put((String) key, sortNamedLists(value)));
            return sorted;
        }
        if (node instanceof List<?> list) {
            List<Object> items = new ArrayList<>(
                    list.stream().map(KustomizeRendererTest::sortNamedLists).toList());
            if (items.stream()
                    .allMatch(item -> item instanceof Map<?, ?> map
                            && (map.containsKey("name") || map.containsKey("mountPath")))) {
                items.sort(Comparator.comparing(item -> String.valueOf(
                        ((Map<?, ?>) item).containsKey("name")
                                ? ((Map<?, ?>) item).get("name")
                                : ((Map<?, ?>) item).get("mountPath"))));
            }
            return items;
        }
        return node;
    }
}
