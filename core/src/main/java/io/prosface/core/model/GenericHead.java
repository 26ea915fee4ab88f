package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A task head for any {@link HeadKind}: a linear probe on the pooled features for label and value outputs, soft-argmax
 * heatmaps on the patch tokens for landmarks. Few-shot jobs build one of these from the kind and labels a user
 * uploads; the built-in attribute, expression and landmark heads are named specialisations with the same layout.
 */
public class GenericHead extends TaskHead {

    private static final byte VERSION = 1;

    private final HeadKind kind;
    private final List<String> labelNames;
    private final AbstractBlock body;

    public GenericHead(HeadKind kind, List<String> labelNames) {
        super(VERSION);
        if (labelNames.isEmpty()) {
            throw new IllegalArgumentException(kind + " head needs at least one label");
        }
        if (labelNames.stream().distinct().count() != labelNames.size()) {
            throw new IllegalArgumentException(kind + " head has duplicate labels: " + labelNames);
        }
        this.kind = kind;
        this.labelNames = List.copyOf(labelNames);
        body = kind == HeadKind.LANDMARKS
                ? addChildBlock("landmarks", new SoftArgmaxLandmarks(labelNames.size()))
                : addChildBlock("probe", new LinearProbe(labelNames.size()));
        setInitializer(Tensors.weightInitializer(), Parameter.Type.WEIGHT);
    }

    /** Single-label classification over {@code classes}: logits (B, C). */
    public static GenericHead classification(List<String> classes) {
        return new GenericHead(HeadKind.CLASSIFICATION, classes);
    }

    /** Independent yes/no tags: logits (B, C). */
    public static GenericHead multilabel(List<String> tags) {
        return new GenericHead(HeadKind.MULTILABEL, tags);
    }

    /** Real-valued outputs: (B, R). */
    public static GenericHead regression(List<String> outputNames) {
        return new GenericHead(HeadKind.REGRESSION, outputNames);
    }

    /** {@code numPoints} landmarks: (B, K, 2) in [0, 1], points named "0".."K-1". */
    public static GenericHead landmarks(int numPoints) {
        return new GenericHead(HeadKind.LANDMARKS, pointNames(numPoints));
    }

    static List<String> pointNames(int numPoints) {
        return IntStream.range(0, numPoints).mapToObj(Integer::toString).toList();
    }

    @Override
    public HeadKind kind() {
        return kind;
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException(
                    "a task head takes NDList(classToken, patchTokens); got " + inputs.size() + " arrays");
        }
        NDArray output = body.forward(parameterStore, inputs, training).head();
        return new NDList(output);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return body.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
    }
}
