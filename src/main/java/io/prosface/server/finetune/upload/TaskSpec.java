package io.prosface.server.finetune.upload;

import io.prosface.core.model.HeadKind;
import java.util.List;

/**
 * What a job trains: the kind of head, its name, its outputs and how to train it.
 *
 * @param kind CLASSIFICATION, MULTILABEL, LANDMARKS or REGRESSION
 * @param headName the name the result is published under ({@code name@vN})
 * @param labels output names in output order: classes, tags, regression outputs, or "0".."K-1" for K landmarks
 * @param options training settings
 */
public record TaskSpec(HeadKind kind, String headName, List<String> labels, TrainingOptions options) {

    public TaskSpec {
        labels = List.copyOf(labels);
    }

    /** Values per example in the stored targets: 1 class index, C tags, R values, or 2K pixel coordinates. */
    public int targetWidth() {
        return switch (kind) {
            case CLASSIFICATION, EXPRESSION -> 1;
            case LANDMARKS -> 2 * labels.size();
            default -> labels.size();
        };
    }

    /** The kind as the API spells it: classification, multilabel, landmarks, regression. */
    public String kindLabel() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
