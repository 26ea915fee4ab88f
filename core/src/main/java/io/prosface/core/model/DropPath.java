package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Stochastic depth (Huang et al. 2016): during training, drops a residual branch for a whole sample with probability
 * {@code rate} and rescales the kept ones by 1/(1-rate), so the expected output is unchanged. Identity at inference.
 */
public final class DropPath {

    private DropPath() {}

    /** The branch, dropped per sample with probability {@code rate} and rescaled (training), or as it is. */
    public static NDArray apply(NDArray branch, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return branch;
        }
        float keep = 1f - rate;
        Shape perSample = new Shape(branch.getShape().get(0), 1, 1);
        // floor(keep + U[0,1)) is 1 with probability keep, 0 otherwise: one draw per sample
        NDArray mask = branch.getManager()
                .randomUniform(0f, 1f, perSample, DataType.FLOAT32, branch.getDevice())
                .add(keep)
                .floor()
                .div(keep);
        return branch.mul(mask);
    }
}
