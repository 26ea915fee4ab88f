package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolutional stem in place of the patch embedding ("Early convolutions help transformers see better", Xiao et
 * al. 2021): three 3×3 stride-2 convolutions with GELU (widths D/6, D/3, 2D/3) and a 1×1 projection to D give the
 * same (B, N, D) tokens on the same (S/8)² grid as 8×8 patches, with the locality prior of a CNN in the first layers.
 * Measured here: a ViT learns faces from scratch much faster with it in a few CPU epochs. Kaiming-normal weights (a
 * stack of convolutions at the ViT's 0.02 init would shrink the signal ~100× per layer).
 */
public final class ConvStem extends AbstractBlock {

    private static final byte VERSION = 1;
    /** Total stride: three stride-2 convolutions. */
    public static final int STRIDE = 8;

    private final int embedDim;
    private final List<Conv2d> convolutions = new ArrayList<>();

    public ConvStem(int embedDim) {
        super(VERSION);
        this.embedDim = embedDim;
        int[] widths = {embedDim / 6, embedDim / 3, 2 * embedDim / 3};
        for (int width : widths) {
            convolutions.add(addChildBlock(
                    "conv",
                    Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optStride(new Shape(2, 2))
                            .optPadding(new Shape(1, 1))
                            .setFilters(width)
                            .build()));
        }
        convolutions.add(addChildBlock(
                "projection",
                Conv2d.builder()
                        .setKernelShape(new Shape(1, 1))
                        .setFilters(embedDim)
                        .build()));
    }

    /** Kaiming-normal weights (std √(2 / fan-in)); call after the enclosing ViT set its own initialiser. */
    public void useKaimingInitializer() {
        setInitializer(
                new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2f),
                Parameter.Type.WEIGHT);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.head();
        Shape shape = images.getShape();
        if (shape.dimension() != 4 || shape.get(2) % STRIDE != 0 || shape.get(3) % STRIDE != 0) {
            throw new IllegalArgumentException(
                    "images must be (B, 3, H, W) with H and W multiples of " + STRIDE + "; got " + shape);
        }
        NDArray x = images;
        for (int i = 0; i < convolutions.size(); i++) {
            x = convolutions
                    .get(i)
                    .forward(parameterStore, new NDList(x), training)
                    .head();
            if (i < convolutions.size() - 1) {
                x = Activation.gelu(x);
            }
        }
        long batch = shape.get(0);
        long numPatches = x.getShape().get(2) * x.getShape().get(3);
        // (B, D, H/8, W/8) -> (B, D, N) -> (B, N, D): row-major over the grid, as PatchEmbedding
        return new NDList(x.reshape(batch, embedDim, numPatches).swapAxes(1, 2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape images = inputShapes[0];
        long numPatches = (images.get(2) / STRIDE) * (images.get(3) / STRIDE);
        return new Shape[] {new Shape(images.get(0), numPatches, embedDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (Conv2d convolution : convolutions) {
            convolution.initialize(manager, dataType, shape);
            shape = convolution.getOutputShapes(new Shape[] {shape})[0];
        }
    }
}
