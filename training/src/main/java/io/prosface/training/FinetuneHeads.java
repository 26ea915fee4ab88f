package io.prosface.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.prosface.core.data.Expression;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.train.MultiTaskFineTuning;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The four task heads of a fine-tune (attributes, expression, 68 landmarks, age): new ones or a checkpoint's. */
final class FinetuneHeads {

    /** The heads a fine-tuned checkpoint holds, in {@link MultiTaskFineTuning.Heads#all()} order. */
    static final List<String> NAMES = List.of("attributes", "expression", "landmarks", "age");

    /** UTKFace's mean age is about 33 years. */
    private static final float AGE_START = 33f;

    private FinetuneHeads() {}

    /** Freshly initialised heads on {@code start}'s backbone. */
    static MultiTaskFineTuning.Heads create(Checkpoint start, List<String> attributeNames, NDManager manager) {
        VisionTransformerConfig architecture = start.config().architecture();
        TaskHead attributes = TaskHead.create(HeadKind.ATTRIBUTES, attributeNames);
        TaskHead expression = TaskHead.create(HeadKind.EXPRESSION, Expression.labels());
        TaskHead landmarks = TaskHead.create(
                HeadKind.LANDMARKS,
                IntStream.range(0, IbugLandmarks.POINT_COUNT)
                        .mapToObj(Integer::toString)
                        .toList());
        TaskHead age = TaskHead.create(HeadKind.REGRESSION, List.of("age"));
        for (TaskHead head : List.of(attributes, expression, landmarks, age)) {
            head.initializeParameters(manager, architecture.embedDim(), architecture.numPatches());
        }
        // the age head starts at a typical adult age, so its first steps learn faces, not the offset
        for (Pair<String, Parameter> parameter : age.getParameters()) {
            if (parameter.getKey().endsWith("bias")) {
                NDArray bias = parameter.getValue().getArray();
                bias.set(java.nio.FloatBuffer.wrap(new float[] {AGE_START}));
            }
        }
        return new MultiTaskFineTuning.Heads(attributes, expression, landmarks, age);
    }

    /** The heads {@code checkpoint} holds under {@link #NAMES}. */
    static MultiTaskFineTuning.Heads of(Checkpoint checkpoint) {
        Map<String, TaskHead> heads = checkpoint.heads();
        return new MultiTaskFineTuning.Heads(
                heads.get(NAMES.get(0)), heads.get(NAMES.get(1)), heads.get(NAMES.get(2)), heads.get(NAMES.get(3)));
    }
}
