package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every YAML file under k8s/ parses into the fabric8 model of its kind, with no field the model does not know. */
class ManifestFilesTest {
    /** YAML under k8s/ that is deliberately not a Kubernetes resource or not part of any kustomization. */
    private static final Set<String> STANDALONE = Set.of(
            "monitoring/prometheus-adapter-values.yaml", // Helm values for prometheus-adapter
            "components/postgres/datasource-secret.example.yaml", // example, never applied (it holds a password)
            "base/api-keys-secret.example.yaml"); // example, never applied (it holds a key)

    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Manifests.K8S)) {
            return files.filter(file ->
                            file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    private static String relative(Path file) {
        return Manifests.K8S.relativize(file).toString();
    }

    /** Catches: YAML syntax errors, a misspelt kind/apiVersion, misspelt or misplaced fields (fabric8 keeps them in
     *  additionalProperties, Kubernetes would reject or ignore them). */
    @TestFactory
    Stream<DynamicTest> everyManifestParsesIntoItsModel() throws IOException {
        return yamlFiles().stream()
                .map(file -> DynamicTest.dynamicTest(relative(file), () -> {
                    List<Map<String, Object>> documents = YamlDocuments.read(file);
                    assertFalse(documents.isEmpty(), "empty file");
                    for (Map<String, Object> document : documents) {
                        if (file.getFileName().toString().equals("kustomization.yaml")) {
                            assertTrue(
                                    String.valueOf(document.get("apiVersion")).startsWith("kustomize.config.k8s.io/"),
                                    "kustomization apiVersion");
                            continue;
                        }
                        if (STANDALONE.contains(relative(file)) && !document.containsKey("kind")) {
                            continue; // Helm values: checked by MonitoringManifestsTest
                        }
                        HasMetadata resource = Manifests.typed(document);
                        assertTrue(
                                resource.getMetadata() != null
                                        && resource.getMetadata().getName() != null,
                                "metadata.name");
                        assertEquals(
                                List.of(),
                                Manifests.unknownFields(resource),
                                "fields the " + resource.getKind() + " model does not know");
                    }
                }));
    }

    /** The unknown-field detection itself: a misspelt nested field is reported with its path. */
    @Test
    void misspeltFieldsAreReported() {
        Map<String, Object> deployment = YamlDocuments.read("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers:
                        - name: server
                          readinesProbe: {httpGet: {path: /q/health/ready, port: http}}
                          securityContext: {runAsNonroot: true}
                """).get(0);
        List<String> unknown = Manifests.unknownFields(Manifests.typed(deployment));
        assertEquals(2, unknown.size(), unknown.toString());
        assertTrue(unknown.get(0).contains("containers[0]"), unknown.toString());
    }

    /** Catches: a manifest added to k8s/ but referenced by no kustomization (it would never be deployed). */
    @Test
    void everyManifestBelongsToAKustomization() throws IOException {
        Set<String> referenced = new HashSet<>();
        for (Path file : yamlFiles()) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            Map<String, Object> kustomization = YamlDocuments.read(file).get(0);
            for (String field : List.of("resources", "components")) {
                if (kustomization.get(field) instanceof List<?> entries) {
                    entries.forEach(entry -> referenced.add(
                            relative(file.getParent().resolve((String) entry).normalize())));
                }
            }
            if (kustomization.get("patches") instanceof List<?> patches) {
                patches.forEach(patch -> referenced.add(relative(file.getParent()
                        .resolve((String) ((Map<?, ?>) patch).get("path"))
                        .normalize())));
            }
        }
        Set<String> orphans = new TreeSet<>();
        for (Path file : yamlFiles()) {
            String name = relative(file);
            if (!file.getFileName().toString().equals("kustomization.yaml")
                    && !referenced.contains(name)
                    && !STANDALONE.contains(name)) {
                orphans.add(name);
            }
        }
        assertEquals(Set.of(), orphans, "manifests no kustomization uses");
    }
}
