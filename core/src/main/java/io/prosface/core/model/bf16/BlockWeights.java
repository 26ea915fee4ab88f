package io.prosface.core.model.bf16;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import io.prosface.core.model.TransformerBlock;
import java.util.Map;

/**
 * A transformer block's LayerNorm and linear layers applied straight from its parameters by name (the block's own
 * child blocks cannot be told to compute in another precision); shared by the bf16 inference and training paths.
 */
final class BlockWeights {

    private BlockWeights() {}

    /** LayerNorm over the token width with {@code name}'s gamma and beta (the block's epsilon). */
    static NDArray layerNorm(NDArray tokens, Map<String, NDArray> weights, String name) {
        return LayerNorm.layerNorm(
                        tokens,
                        new Shape(tokens.getShape().get(2)),
                        weights.get(name + "_gamma"),
                        weights.get(name + "_beta"),
                        TransformerBlock.LAYER_NORM_EPSILON)
                .head();
    }

    /** {@code input} times {@code name}'s weight (transposed) plus its bias, in {@code input}'s precision. */
    static NDArray linear(NDArray input, Map<String, NDArray> weights, String name) {
        return Linear.linear(input, weights.get(name + "_weight"), weights.get(name + "_bias"))
                .head();
    }
}
