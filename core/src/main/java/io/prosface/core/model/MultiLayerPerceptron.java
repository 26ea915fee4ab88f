package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The transformer's position-wise feed-forward network: Linear D → hidden, GELU, Linear hidden → D. */
public final class MultiLayerPerceptron extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear expand;
    private final Linear contract;

    /**
     * @param embedDim token width D
     * @param hiddenDim hidden width (mlpRatio · D)
     */
    public MultiLayerPerceptron(int embedDim, int hiddenDim) {
        super(VERSION);
        expand = addChildBlock("expand", Linear.builder().setUnits(hiddenDim).build());
        contract = addChildBlock("contract", Linear.builder().setUnits(embedDim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = expand.forward(parameterStore, inputs, training).head();
        return contract.forward(parameterStore, new NDList(Activation.gelu(hidden)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        expand.initialize(manager, dataType, inputShapes[0]);
        contract.initialize(manager, dataType, expand.getOutputShapes(inputShapes));
    }
}
