package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * Normal(0, σ²) truncated to [-2σ, 2σ], sampled in one pass by the inverse CDF like
 * {@code torch.nn.init.trunc_normal_}: x = σ·√2·erfinv(u) with u uniform on (-erf(√2), erf(√2)). DJL's own
 * truncated-normal initializer rejects and resamples with boolean masks, which takes seconds for a ViT-Base.
 */
public final class TruncatedNormal implements Initializer {

    /** erf(2/√2) = erf(√2): the image of ±2σ on the (-1, 1) scale erfinv takes. */
    private static final float ERF_OF_TWO_SIGMA = 0.95449973610364f;

    private final float sigma;

    public TruncatedNormal(float sigma) {
        this.sigma = sigma;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray uniform = scratch.randomUniform(-ERF_OF_TWO_SIGMA, ERF_OF_TWO_SIGMA, shape, dataType);
            NDArray values = uniform.erfinv().muli((float) (sigma * Math.sqrt(2)));
            values.attach(manager);
            return values;
        }
    }
}
