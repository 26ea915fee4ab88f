package io.prosface.core.train;

/**
 * What one ProS step did, for logs and dashboards.
 *
 * @param step global step (0-based)
 * @param epoch 0-based epoch of the step
 * @param loss prototype-matching loss before the update
 * @param learningRate lr used by the optimizer
 * @param weightDecay λ used by the optimizer
 * @param teacherMomentum EMA momentum m used for the teacher update
 * @param teacherTemperature τ_t used by the loss
 * @param teacherEntropy mean teacher entropy in nats (collapse to one prototype: near 0)
 * @param maxEntropy log K (a uniform, uninformative teacher: near this)
 * @param prototypeUsage distinct argmax prototypes of the teacher over the batch
 * @param prototypePerplexity exp(H(mean teacher distribution)): effective number of prototypes in use
 * @param gradientNorm global L2 norm of the student's gradients before clipping
 */
public record StepMetrics(
        long step,
        int epoch,
        double loss,
        double learningRate,
        double weightDecay,
        double teacherMomentum,
        double teacherTemperature,
        double teacherEntropy,
        double maxEntropy,
        int prototypeUsage,
        double prototypePerplexity,
        double gradientNorm) {

    /**
     * loss - teacherEntropy: the mean KL(p_t || p_s) over the view pairs, the part of the loss the student can still
     * reduce. The loss itself also moves with the teacher's entropy (centring, temperature), the gap does not.
     */
    public double distillationGap() {
        return loss - teacherEntropy;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "step %d (epoch %d): loss %.4f, lr %.2e, wd %.3f, m %.4f, tau_t %.3f, "
                        + "entropy %.3f/%.3f, usage %d, perplexity %.2f, grad norm %.3f",
                step,
                epoch,
                loss,
                learningRate,
                weightDecay,
                teacherMomentum,
                teacherTemperature,
                teacherEntropy,
                maxEntropy,
                prototypeUsage,
                prototypePerplexity,
                gradientNorm);
    }
}
