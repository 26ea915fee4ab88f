package io.prosface.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Navigation inside the untyped pod template of a workload document. */
final class PodTemplates {
    private PodTemplates() {}

    /** Containers and init containers of a workload's pod template; empty for other kinds. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(Map<String, Object> resource) {
        List<Map<String, Object>> all = new ArrayList<>();
        Map<String, Object> podSpec = YamlDocuments.at(resource, "spec", "template", "spec");
        if (podSpec == null) {
            return all;
        }
        for (String field : List.of("initContainers", "containers")) {
            if (podSpec.get(field) instanceof List<?> list) {
                list.forEach(container -> all.add((Map<String, Object>) container));
            }
        }
        return all;
    }
}
