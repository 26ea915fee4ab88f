package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Patch embedding x_p E of the ViT paper: cuts the image into non-overlapping P×P patches and projects each one to
 * D dimensions. Implemented as one convolution with kernel = stride = P, which is the same linear map as
 * unfold + Linear but measured ~2× faster on CPU libtorch (oneDNN convolution, no unfold copy).
 */
public final class PatchEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int patchSize;
    private final int embedDim;
    private final Conv2d projection;

    /**
     * @param patchSize patch side P in pixels
     * @param embedDim token width D
     */
    public PatchEmbedding(int patchSize, int embedDim) {
        super(VERSION);
        this.patchSize = patchSize;
        this.embedDim = embedDim;
        projection = addChildBlock(
                "projection",
                Conv2d.builder()
                        .setKernelShape(new Shape(patchSize, patchSize))
                        .optStride(new Shape(patchSize, patchSize))
                        .setFilters(embedDim)
                        .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.head();
        Shape shape = images.getShape();
        if (shape.dimension() != 4 || shape.get(2) % patchSize != 0 || shape.get(3) % patchSize != 0) {
            throw new IllegalArgumentException("images must be (B, 3, H, W) with H and W multiples of the patch size "
                    + patchSize + "; got " + shape);
        }
        NDArray grid =
                projection.forward(parameterStore, new NDList(images), training).head();
        long batch = shape.get(0);
        long numPatches = grid.getShape().get(2) * grid.getShape().get(3);
        // (B, D, H/P, W/P) -> (B, D, N): row-major over the patch grid, so token n sits at row n / (W/P)
        NDArray flat = grid.reshape(batch, embedDim, numPatches);
        // (B, D, N) -> (B, N, D)
        return new NDList(flat.swapAxes(1, 2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape images = inputShapes[0];
        long numPatches = (images.get(2) / patchSize) * (images.get(3) / patchSize);
        return new Shape[] {new Shape(images.get(0), numPatches, embedDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        projection.initialize(manager, dataType, inputShapes[0]);
    }
}
