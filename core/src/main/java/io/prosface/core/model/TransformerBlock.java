package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm encoder block of the ViT: x + DropPath(MSA(LN(x))), then x + DropPath(MLP(LN(x))). Pre-norm (as in
 * ViT, DINO and timm) keeps the residual stream un-normalised, which trains deep stacks without warm-up tricks.
 */
public final class TransformerBlock extends AbstractBlock {

    private static final byte VERSION = 1;
    /** LayerNorm ε used by timm and DINO ViTs. */
    public static final float LAYER_NORM_EPSILON = 1e-6f;

    private final float dropPath;
    private final int numHeads;
    /** Replaces {@link #forwardInternal}'s computation when set (a mixed-precision run); null: the float32 blocks. */
    private Forward forward;

    private final LayerNorm attentionNorm;
    private final SelfAttention attention;
    private final LayerNorm feedForwardNorm;
    private final MultiLayerPerceptron feedForward;

    /**
     * @param embedDim token width D
     * @param numHeads attention heads H
     * @param mlpRatio MLP hidden width as a multiple of D
     * @param dropPath stochastic-depth drop probability of this block's residual branches (training only)
     */
    public TransformerBlock(int embedDim, int numHeads, double mlpRatio, float dropPath) {
        super(VERSION);
        this.dropPath = dropPath;
        this.numHeads = numHeads;
        attentionNorm = addChildBlock("attentionNorm", layerNorm());
        attention = addChildBlock("attention", new SelfAttention(embedDim, numHeads));
        feedForwardNorm = addChildBlock("feedForwardNorm", layerNorm());
        feedForward =
                addChildBlock("feedForward", new MultiLayerPerceptron(embedDim, (int) Math.round(embedDim * mlpRatio)));
    }

    /**
     * Another way to compute the same block on the same (float32 master) parameters, e.g. with bfloat16 matrix
     * products ({@code core.model.bf16.Bfloat16Autocast}); it must give (B, T, D) float32 tokens for (B, T, D) tokens.
     */
    public interface Forward {
        NDArray forward(TransformerBlock block, ParameterStore parameterStore, NDArray tokens, boolean training);
    }

    /** Computes this block with {@code forward} from now on; null returns to the float32 blocks. */
    public void useForward(Forward forward) {
        this.forward = forward;
    }

    /** Attention heads H. */
    public int numHeads() {
        return numHeads;
    }

    /** Stochastic-depth drop probability of this block's residual branches (training only). */
    public float dropPath() {
        return dropPath;
    }

    /** LayerNorm over the token width; axis 2 of the (B, T, D) shape the blocks are initialised with. */
    static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(LAYER_NORM_EPSILON).build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.head();
        if (forward != null) {
            return new NDList(forward.forward(this, parameterStore, tokens, training));
        }
        NDArray normed = attentionNorm
                .forward(parameterStore, new NDList(tokens), training)
                .head();
        NDArray attended =
                attention.forward(parameterStore, new NDList(normed), training).head();
        tokens = tokens.add(DropPath.apply(attended, dropPath, training));
        normed = feedForwardNorm
                .forward(parameterStore, new NDList(tokens), training)
                .head();
        NDArray fed = feedForward
                .forward(parameterStore, new NDList(normed), training)
                .head();
        return new NDList(tokens.add(DropPath.apply(fed, dropPath, training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
