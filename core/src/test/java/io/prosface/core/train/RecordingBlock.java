package io.prosface.core.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Test wrapper that records, for every forward call, the mode and the input shape, e.g. "eval (8, 3, 16, 16)".
 * It also derives a throw-away array from a parameter on every call, as a careless block would (a class token
 * broadcast, an interpolated position embedding): DJL puts such arrays in the parameter's long-lived manager.
 */
final class RecordingBlock extends AbstractBlock {

    final List<String> calls = new ArrayList<>();
    private final Block inner;

    RecordingBlock(Block inner) {
        this.inner = addChildBlock("inner", inner);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        calls.add((training ? "train " : "eval ") + inputs.head().getShape());
        inner.getParameters().valueAt(0).getArray().mul(1f);
        return inner.forward(store, inputs, training, params);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inner.getOutputShapes(inputShapes);
    }
}
