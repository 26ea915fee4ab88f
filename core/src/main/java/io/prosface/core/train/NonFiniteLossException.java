package io.prosface.core.train;

/**
 * Training stopped because the loss (or, after a finite loss, the gradient) became NaN or infinite: continuing
 * would only write NaNs into the weights (DINO stops the same way). It is thrown before the optimizer runs, so the
 * weights are still those of the previous step. Usual causes: a learning rate too high for the batch, no gradient
 * clipping, or unnormalised inputs.
 */
public final class NonFiniteLossException extends RuntimeException {

    private final long step;
    private final double loss;

    public NonFiniteLossException(long step, double loss) {
        super("loss is " + loss + " at step " + step + ", stopping training: check the learning rate, gradient "
                + "clipping and input normalisation");
        this.step = step;
        this.loss = loss;
    }

    /** A finite loss whose gradient is not finite. */
    public NonFiniteLossException(long step, double loss, double gradientNorm) {
        super("gradient norm is " + gradientNorm + " at step " + step + " (loss " + loss + "), stopping training "
                + "before the weights change");
        this.step = step;
        this.loss = loss;
    }

    public long step() {
        return step;
    }

    public double loss() {
        return loss;
    }
}
