package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The projection MLP g of DINO/ProS: Linear D → hidden, GELU, Linear hidden → hidden, GELU, Linear hidden →
 * bottleneck, then L2 normalisation, so the output z lies on the unit sphere where prototype similarities are
 * cosines.
 */
public final class ProjectionHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear input;
    private final Linear hidden;
    private final Linear bottleneck;

    /**
     * @param hiddenDim width of the two hidden layers (2048 for base/small, 512 for tiny)
     * @param bottleneckDim width of the normalised output (256)
     */
    public ProjectionHead(int hiddenDim, int bottleneckDim) {
        super(VERSION);
        input = addChildBlock("input", Linear.builder().setUnits(hiddenDim).build());
        hidden = addChildBlock("hidden", Linear.builder().setUnits(hiddenDim).build());
        bottleneck = addChildBlock(
                "bottleneck", Linear.builder().setUnits(bottleneckDim).build());
        setInitializer(Tensors.weightInitializer(), Parameter.Type.WEIGHT);
    }

    /** Input {@code NDList(features (B, D))}; output {@code NDList(z (B, bottleneck))} with ‖z‖ = 1. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = inputs.head();
        NDArray activations = Activation.gelu(
                input.forward(parameterStore, new NDList(features), training).head());
        activations = Activation.gelu(hidden.forward(parameterStore, new NDList(activations), training)
                .head());
        NDArray projected = bottleneck
                .forward(parameterStore, new NDList(activations), training)
                .head();
        // ε guards the (practically impossible) all-zero row, as F.normalize does
        return new NDList(projected.normalize(2, -1, 1e-12));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return bottleneck.getOutputShapes(hidden.getOutputShapes(input.getOutputShapes(inputShapes)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape features = inputShapes[0];
        input.initialize(manager, dataType, features);
        Shape hiddenShape = input.getOutputShapes(new Shape[] {features})[0];
        hidden.initialize(manager, dataType, hiddenShape);
        bottleneck.initialize(manager, dataType, hiddenShape);
    }
}
