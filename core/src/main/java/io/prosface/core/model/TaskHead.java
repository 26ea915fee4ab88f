package io.prosface.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import io.prosface.core.data.Expression;
import java.util.List;

/**
 * A small head fine-tuned on the teacher's features. Input {@code NDList(classToken (B, D), patchTokens (B, N, D))},
 * exactly the backbone's output; output {@code NDList(prediction)} whose shape depends on {@link #kind()}.
 */
public abstract class TaskHead extends AbstractBlock {

    protected TaskHead(byte version) {
        super(version);
    }

    public abstract HeadKind kind();

    /** Names of the outputs in index order: attributes, classes, regression targets or landmark points. */
    public abstract List<String> labelNames();

    /** Number of labels (classes, attributes, regression outputs or landmark points). */
    public int outputs() {
        return labelNames().size();
    }

    /** Allocates and initialises all parameters for a backbone of width {@code embedDim} with N patch tokens. */
    public void initializeParameters(NDManager manager, int embedDim, int numPatches) {
        initialize(manager, DataType.FLOAT32, new Shape(1, embedDim), new Shape(1, numPatches, embedDim));
    }

    /**
     * The head class that serves {@code kind}: the named heads for the built-in tasks, {@link GenericHead} for
     * user-defined ones. Checkpoint loading uses this, so the same kind and labels always rebuild the same blocks.
     */
    public static TaskHead create(HeadKind kind, List<String> labelNames) {
        return switch (kind) {
            case ATTRIBUTES -> new AttributeHead(labelNames);
            case EXPRESSION -> {
                if (!labelNames.equals(Expression.labels())) {
                    throw new IllegalArgumentException("an expression head has the labels " + Expression.labels()
                            + " in this order; got " + labelNames);
                }
                yield new ExpressionHead();
            }
            case LANDMARKS -> new LandmarkHead(labelNames);
            case CLASSIFICATION, MULTILABEL, REGRESSION -> new GenericHead(kind, labelNames);
        };
    }
}
