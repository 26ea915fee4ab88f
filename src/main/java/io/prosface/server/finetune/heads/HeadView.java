package io.prosface.server.finetune.heads;

import io.prosface.core.model.HeadKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A head as the management APIs list it: stored few-shot versions and the checkpoint's built-in heads alike.
 *
 * @param served true when this replica serves it now (stored heads of another backbone are listed, not served)
 */
public record HeadView(
        String name,
        int version,
        HeadKind kind,
        List<String> labels,
        String backbone,
        boolean current,
        boolean builtIn,
        boolean served,
        String jobId,
        Map<String, Double> validationMetrics,
        Instant createdAt) {

    public String key() {
        return name + "@v" + version;
    }
}
