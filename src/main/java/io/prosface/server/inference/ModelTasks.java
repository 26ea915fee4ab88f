package io.prosface.server.inference;

import io.prosface.core.model.HeadKind;
import java.util.Optional;

/** Which face-API task a checkpoint head kind answers. */
final class ModelTasks {

    private ModelTasks() {}

    /** The built-in kinds map to their task; user-defined kinds (few-shot jobs) have none in the face API. */
    static Optional<FaceTask> taskOf(HeadKind kind) {
        return switch (kind) {
            case ATTRIBUTES -> Optional.of(FaceTask.ATTRIBUTES);
            case EXPRESSION -> Optional.of(FaceTask.EXPRESSION);
            case LANDMARKS -> Optional.of(FaceTask.LANDMARKS);
            case CLASSIFICATION, MULTILABEL, REGRESSION -> Optional.empty();
        };
    }
}
