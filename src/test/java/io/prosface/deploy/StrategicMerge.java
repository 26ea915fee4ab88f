package io.prosface.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of Kubernetes' strategic merge patch that our overlays use: maps merge key by key, a {@code null} value
 * deletes the key, lists of the built-in kinds listed below merge element by element on their merge key (the
 * {@code patchMergeKey} of the Kubernetes API), every other list is replaced. Directives ({@code $patch},
 * {@code $retainKeys}, ...) are rejected, so a patch that needs them fails the tests instead of rendering wrongly.
 */
final class StrategicMerge {
    /** API groups whose schema kustomize knows; lists in other kinds (CRDs) are always replaced. */
    private static final Set<String> BUILT_IN_API_VERSIONS = Set.of("v1", "apps/v1", "policy/v1", "autoscaling/v2");

    private StrategicMerge() {}

    /** Merges {@code patch} into a copy of {@code target}; neither argument is modified. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> apply(Map<String, Object> target, Map<String, Object> patch) {
        boolean builtIn = BUILT_IN_API_VERSIONS.contains(String.valueOf(target.get("apiVersion")));
        String kind = String.valueOf(target.get("kind"));
        return (Map<String, Object>) merge(target, patch, "", new Schema(builtIn, kind));
    }

    private record Schema(boolean builtIn, String kind) {
        /** The merge key of the list under {@code field}, or null when the list is replaced. */
        String mergeKey(String field) {
            if (!builtIn) {
                return null;
            }
            return switch (field) {
                case "containers", "initContainers", "env", "volumes", "imagePullSecrets" -> "name";
                case "volumeMounts" -> "mountPath";
                case "ports" -> kind.equals("Service") ? "port" : "containerPort";
                default -> null; // tolerations, envFrom, command, args, metrics, ...: replaced as a whole
            };
        }
    }

    @SuppressWarnings("unchecked")
    private static Object merge(Object original, Object patch, String field, Schema schema) {
        if (patch instanceof Map<?, ?> patchMap) {
            if (!(original instanceof Map)) {
                return withoutNulls(patchMap);
            }
            Map<String, Object> result = YamlDocuments.deepCopy((Map<String, Object>) original);
            patchMap.forEach((key, value) -> {
                String name = (String) key;
                if (name.startsWith("$")) {
                    throw new UnsupportedOperationException("patch directive " + name + " is not supported");
                }
                if (value == null) {
                    result.remove(name);
                } else {
                    result.put(name, merge(result.get(name), value, name, schema));
                }
            });
            return result;
        }
        if (patch instanceof List<?> patchList) {
            String key = schema.mergeKey(field);
            if (key == null || !(original instanceof List)) {
                return withoutNulls(patchList);
            }
            return mergeByKey((List<Object>) original, patchList, key, schema);
        }
        return patch;
    }

    /** Elements with the same key merge in place; new ones are appended, as kustomize does. */
    @SuppressWarnings("unchecked")
    private static List<Object> mergeByKey(List<Object> original, List<?> patch, String key, Schema schema) {
        List<Object> result = YamlDocuments.deepCopy(original);
        for (Object element : patch) {
            if (!(element instanceof Map<?, ?> patchElement) || patchElement.get(key) == null) {
                throw new UnsupportedOperationException("list element without merge key '" + key + "': " + element);
            }
            int index = indexOf(result, key, patchElement.get(key));
            if (index < 0) {
                result.add(withoutNulls(patchElement));
            } else {
                result.set(index, merge(result.get(index), patchElement, "", schema));
            }
        }
        return result;
    }

    private static int indexOf(List<Object> list, String key, Object value) {
        for (int index = 0; index < list.size(); index++) {
            if (list.get(index) instanceof Map<?, ?> element
                    && String.valueOf(value).equals(String.valueOf(element.get(key)))) {
                return index;
            }
        }
        return -1;
    }

    private static Object withoutNulls(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> {
                if (item != null) {
                    copy.put((String) key, withoutNulls(item));
                }
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return value;
    }
}
