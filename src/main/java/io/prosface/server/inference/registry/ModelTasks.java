package io.prosface.server.inference.registry;

import io.prosface.core.model.HeadKind;

/** Which face-API task a checkpoint head kind answers. */
final class ModelTasks {

    private ModelTasks() {}

    /**
     * The task a head kind serves (proto {@code HeadType}): multi-label heads answer attributes, single-label heads
     * answer expression-style questions, landmark heads landmarks, regression heads regression. Every kind has one.
     */
    static FaceTask taskOf(HeadKind kind) {
        return switch (kind) {
            case ATTRIBUTES, MULTILABEL -> FaceTask.ATTRIBUTES;
            case EXPRESSION, CLASSIFICATION -> FaceTask.EXPRESSION;
            case LANDMARKS -> FaceTask.LANDMARKS;
            case REGRESSION -> FaceTask.REGRESSION;
        };
    }

    /**
     * Whether {@code head} can answer {@code task}: its kind's task, and for {@link FaceTask#AGE} also a regression
     * head with exactly one output.
     */
    static boolean serves(LoadedHead head, FaceTask task) {
        if (task == FaceTask.AGE) {
            return head.kind() == HeadKind.REGRESSION && head.labels().size() == 1;
        }
        return head.task() == task;
    }

    /** What clients of {@code task} need: "a multilabel head" etc., for error messages. */
    static String expectedKind(FaceTask task) {
        return switch (task) {
            case ATTRIBUTES -> "a multilabel (attributes) head";
            case EXPRESSION -> "a classification (expression) head";
            case LANDMARKS -> "a landmark head";
            case REGRESSION -> "a regression head";
            case AGE ->
                "a regression head with one output (years), by default the built-in head '" + FaceTask.AGE_HEAD + "'";
            case EMBEDDING -> "no head";
        };
    }
}
