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

/**
 * Landmarks by soft-argmax over the patch grid (integral regression, Sun et al. 2018). A per-token MLP (D → 256,
 * GELU) scores every point for every patch (a heatmap over the g×g grid) and proposes a sub-cell offset for it; a
 * softmax over the tokens turns the scores into weights p_kn and point k lands at Σ_n p_kn (c_n + o_kn), where c_n
 * is the centre of patch n and o_kn = tanh(·)/(2g) stays inside that patch. The result is differentiable, reaches
 * sub-patch precision and is always inside [0, 1]²: a convex combination of points inside patches.
 */
final class SoftArgmaxLandmarks extends AbstractBlock {

    private static final byte VERSION = 1;
    /** Width of the per-token hidden layer; gives frozen backbone features a non-linear read-out. */
    static final int HIDDEN_WIDTH = 256;

    private final int numPoints;
    private final Linear hidden;
    private final Linear heatmap;
    private final Linear offset;

    SoftArgmaxLandmarks(int numPoints) {
        super(VERSION);
        this.numPoints = numPoints;
        hidden = addChildBlock("hidden", Linear.builder().setUnits(HIDDEN_WIDTH).build());
        heatmap = addChildBlock("heatmap", Linear.builder().setUnits(numPoints).build());
        offset = addChildBlock(
                "offset", Linear.builder().setUnits(2L * numPoints).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray patches = inputs.get(1);
        long batch = patches.getShape().get(0);
        long numPatches = patches.getShape().get(1);
        long grid = Math.round(Math.sqrt(numPatches));
        if (grid * grid != numPatches) {
            throw new IllegalArgumentException("landmarks need a square patch grid; got " + numPatches + " tokens");
        }
        NDArray features = Activation.gelu(
                hidden.forward(parameterStore, new NDList(patches), training).head());
        // softmax over the tokens, axis 1 of (B, N, K): p_kn sums to 1 over n for each point k
        NDArray weights = heatmap.forward(parameterStore, new NDList(features), training)
                .head()
                .softmax(1);
        // (B, N, 2K) -> (B, N, K, 2), each offset within ±half a patch
        NDArray raw = offset.forward(parameterStore, new NDList(features), training)
                .head()
                .tanh();
        // a libtorch-owned scalar: a Java float operand is freed before backward reads it (see core.train.GraphScalars)
        NDArray halfPatch = raw.getManager().full(new Shape(), 0.5f / grid, raw.getDataType(), raw.getDevice());
        NDArray offsets = raw.mul(halfPatch).reshape(batch, numPatches, numPoints, 2);
        NDArray centres = patchCentres(patches.getManager(), grid).toDevice(patches.getDevice(), false);
        // (B, N, K) -> (B, K, N) view; @ (N, 2) -> (B, K, 2): Σ_n p_kn c_n
        NDArray expectedCentre = weights.swapAxes(1, 2).matMul(centres);
        // (B, N, K) -> (B, N, K, 1) broadcast against (B, N, K, 2), summed over N -> (B, K, 2): Σ_n p_kn o_kn
        NDArray expectedOffset = weights.expandDims(3).mul(offsets).sum(new int[] {1});
        return new NDList(expectedCentre.add(expectedOffset));
    }

    /** (N, 2) centres (x, y) of the g×g patches in [0, 1], row-major like the patch tokens. */
    private static NDArray patchCentres(NDManager manager, long grid) {
        float[] centres = new float[(int) (grid * grid * 2)];
        for (int row = 0; row < grid; row++) {
            for (int column = 0; column < grid; column++) {
                int token = (int) (row * grid + column);
                centres[2 * token] = (column + 0.5f) / grid;
                centres[2 * token + 1] = (row + 0.5f) / grid;
            }
        }
        return manager.create(centres, new Shape(grid * grid, 2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numPoints, 2)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape patches = inputShapes[1];
        hidden.initialize(manager, dataType, patches);
        Shape features = hidden.getOutputShapes(new Shape[] {patches})[0];
        heatmap.initialize(manager, dataType, features);
        offset.initialize(manager, dataType, features);
    }
}
