package io.prosface.server.finetune.heads;

import io.prosface.core.model.HeadKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A published head version as stored (without its bytes).
 *
 * @param backbone identity of the backbone it was trained on (weights SHA-256 when known)
 * @param current true when it is its name's current version
 */
public record HeadRecord(
        String name,
        int version,
        HeadKind kind,
        List<String> labels,
        String backbone,
        String jobId,
        Map<String, Double> validationMetrics,
        boolean current,
        Instant createdAt) {

    public String key() {
        return name + "@v" + version;
    }
}
