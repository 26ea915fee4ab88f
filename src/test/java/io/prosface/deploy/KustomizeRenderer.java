package io.prosface.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small kustomize: enough to render our overlays without a kustomize binary (none is installed on CI). It applies,
 * in kustomize's order: {@code resources} (files and directories), {@code components}, {@code patches} (strategic
 * merge, matched by the patch's own kind + name or by a {@code target} kind/name), {@code namespace},
 * {@code labels} (without selectors) and {@code images}. Any other kustomization field fails the render, so the
 * overlays cannot drift into features this renderer would silently ignore. When {@code kubectl} is installed,
 * KustomizeRendererTest compares our output with {@code kubectl kustomize}.
 */
final class KustomizeRenderer {
    private static final Set<String> SUPPORTED_FIELDS =
            Set.of("apiVersion", "kind", "resources", "components", "patches", "namespace", "labels", "images");
    private static final Set<String> POD_TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job");

    private KustomizeRenderer() {}

    /** Renders the Kustomization in {@code directory}; the result is freshly allocated and may be mutated. */
    static List<Map<String, Object>> render(Path directory) {
        Map<String, Object> kustomization = readKustomization(directory, "Kustomization");
        List<Map<String, Object>> resources = new ArrayList<>();
        addResources(directory, kustomization, resources);
        for (String component : strings(kustomization.get("components"))) {
            applyComponent(directory.resolve(component).normalize(), resources);
        }
        transform(directory, kustomization, resources);
        requireUniqueIds(resources);
        return resources;
    }

    private static void applyComponent(Path directory, List<Map<String, Object>> resources) {
        Map<String, Object> component = readKustomization(directory, "Component");
        addResources(directory, component, resources);
        for (String nested : strings(component.get("components"))) {
            applyComponent(directory.resolve(nested).normalize(), resources);
        }
        transform(directory, component, resources);
    }

    static Map<String, Object> readKustomization(Path directory, String expectedKind) {
        Path file = directory.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no kustomization.yaml in " + directory);
        }
        Map<String, Object> kustomization = YamlDocuments.read(file).get(0);
        Set<String> unsupported = new HashSet<>(kustomization.keySet());
        unsupported.removeAll(SUPPORTED_FIELDS);
        if (!unsupported.isEmpty()) {
            throw new UnsupportedOperationException(file + " uses " + unsupported
                    + ", which the test renderer does not implement (see k8s/README.md, 'Kustomize features')");
        }
        if (!expectedKind.equals(kustomization.get("kind"))) {
            throw new IllegalArgumentException(
                    file + ": expected kind " + expectedKind + ", got " + kustomization.get("kind"));
        }
        return kustomization;
    }

    private static void addResources(
            Path directory, Map<String, Object> kustomization, List<Map<String, Object>> into) {
        for (String resource : strings(kustomization.get("resources"))) {
            Path path = directory.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                into.addAll(render(path));
            } else {
                into.addAll(YamlDocuments.read(path));
            }
        }
    }

    /** Transformers of one kustomization, in the order kustomize runs them. */
    private static void transform(
            Path directory, Map<String, Object> kustomization, List<Map<String, Object>> resources) {
        for (Map<String, Object> patch : maps(kustomization.get("patches"))) {
            applyPatch(directory, patch, resources);
        }
        if (kustomization.get("namespace") instanceof String namespace) {
            resources.forEach(resource -> metadata(resource).put("namespace", namespace));
        }
        for (Map<String, Object> labels : maps(kustomization.get("labels"))) {
            applyLabels(labels, resources);
        }
        for (Map<String, Object> image : maps(kustomization.get("images"))) {
            resources.forEach(
                    resource -> PodTemplates.containers(resource).forEach(container -> setImage(container, image)));
        }
    }

    private static void applyPatch(Path directory, Map<String, Object> entry, List<Map<String, Object>> resources) {
        if (!(entry.get("path") instanceof String path)
                || entry.keySet().stream()
                        .anyMatch(key -> !Set.of("path", "target").contains(key))) {
            throw new UnsupportedOperationException(
                    "only patches with 'path' (+ optional 'target') are supported: " + entry);
        }
        for (Map<String, Object> patch : YamlDocuments.read(directory.resolve(path))) {
            Map<String, Object> target = entry.get("target") instanceof Map<?, ?> given
                    ? castMap(given)
                    : Map.of("kind", patch.get("kind"), "name", YamlDocuments.at(patch, "metadata", "name"));
            boolean matched = false;
            for (int index = 0; index < resources.size(); index++) {
                Map<String, Object> resource = resources.get(index);
                if (target.get("kind").equals(resource.get("kind"))
                        && target.get("name").equals(metadata(resource).get("name"))) {
                    resources.set(index, StrategicMerge.apply(resource, patch));
                    matched = true;
                }
            }
            if (!matched) {
                throw new IllegalArgumentException(directory.resolve(path) + " matches no resource " + target);
            }
        }
    }

    private static void applyLabels(Map<String, Object> labels, List<Map<String, Object>> resources) {
        if (Boolean.TRUE.equals(labels.get("includeSelectors"))) {
            throw new UnsupportedOperationException(
                    "labels.includeSelectors is not supported: selectors are immutable");
        }
        Map<String, Object> pairs = castMap(labels.get("pairs"));
        for (Map<String, Object> resource : resources) {
            labelsOf(metadata(resource)).putAll(pairs);
            if (Boolean.TRUE.equals(labels.get("includeTemplates"))
                    && POD_TEMPLATE_KINDS.contains(resource.get("kind"))) {
                Map<String, Object> template = castMap(YamlDocuments.at(resource, "spec", "template"));
                labelsOf(castMap(template.computeIfAbsent("metadata", key -> new LinkedHashMap<>())))
                        .putAll(pairs);
            }
        }
    }

    /** kustomize's image transformer: an image named exactly {@code name} gets newName and/or newTag. */
    private static void setImage(Map<String, Object> container, Map<String, Object> image) {
        String reference = (String) container.get("image");
        int tagStart = reference.lastIndexOf(':') > reference.lastIndexOf('/')
                ? reference.lastIndexOf(':')
                : reference.length();
        String name = reference.substring(0, tagStart);
        if (!name.equals(image.get("name"))) {
            return;
        }
        String newName = image.get("newName") instanceof String given ? given : name;
        String tag = image.get("newTag") instanceof String given ? ":" + given : reference.substring(tagStart);
        container.put("image", newName + tag);
    }

    private static void requireUniqueIds(List<Map<String, Object>> resources) {
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> resource : resources) {
            String id = resource.get("kind") + "/" + metadata(resource).get("namespace") + "/"
                    + metadata(resource).get("name");
            if (!ids.add(id)) {
                throw new IllegalArgumentException("duplicate resource " + id);
            }
        }
    }

    static Map<String, Object> metadata(Map<String, Object> resource) {
        return castMap(resource.computeIfAbsent("metadata", key -> new LinkedHashMap<>()));
    }

    private static Map<String, Object> labelsOf(Map<String, Object> metadata) {
        return castMap(metadata.computeIfAbsent("labels", key -> new LinkedHashMap<>()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return value == null ? List.of() : (List<String>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }
}
