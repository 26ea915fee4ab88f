package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A linear map on [class token ; mean patch token] (B, 2D) → (B, outputs). Concatenating the average patch token
 * with the class token is DINO's linear-evaluation recipe: local appearance (mouth, eyes) that the class token
 * summarises only loosely stays available to attribute and expression logits.
 */
final class LinearProbe extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int outputs;
    private final Linear linear;

    LinearProbe(int outputs) {
        super(VERSION);
        this.outputs = outputs;
        linear = addChildBlock("linear", Linear.builder().setUnits(outputs).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray classToken = inputs.get(0);
        // (B, N, D) -> (B, D)
        NDArray meanPatch = inputs.get(1).mean(new int[] {1});
        // (B, D) ++ (B, D) -> (B, 2D)
        NDArray pooled = NDArrays.concat(new NDList(classToken, meanPatch), 1);
        return linear.forward(parameterStore, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, new Shape(inputShapes[0].get(0), 2 * inputShapes[0].get(1)));
    }
}
