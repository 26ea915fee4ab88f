package io.prosface.core.train;

/**
 * The schedules of a DINO-style recipe as pure functions of the training position (a step or an epoch).
 *
 * <p>Every function clamps its position into the scheduled range, so a value asked for past the end is the final
 * value and a value asked for before the start is the first one. Nothing here holds state.
 */
public final class Schedules {

    /** The batch size the base learning rate refers to (DINO's linear scaling rule). */
    public static final int REFERENCE_BATCH_SIZE = 256;

    private Schedules() {}

    /**
     * DINO's linear scaling rule: the peak learning rate grows with the total batch size.
     *
     * @param baseLearningRate learning rate for a batch of {@value #REFERENCE_BATCH_SIZE} images
     * @param batchSize images per optimizer step, all devices together
     * @return {@code baseLearningRate * batchSize / 256}
     */
    public static double scaledLearningRate(double baseLearningRate, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        return baseLearningRate * batchSize / REFERENCE_BATCH_SIZE;
    }

    /**
     * Half a cosine from {@code start} (at step 0) to {@code end} (at {@code totalSteps}).
     *
     * @return {@code end + (start - end) * (1 + cos(pi * step / totalSteps)) / 2}
     */
    public static double cosine(double start, double end, long step, long totalSteps) {
        if (totalSteps <= 0) {
            return end;
        }
        double progress = Math.min(1.0, Math.max(0.0, (double) step / totalSteps));
        return end + (start - end) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }

    /**
     * A linear ramp from {@code start} to {@code end} over {@code warmupLength}, constant at {@code end} afterwards.
     * Used per step for the learning-rate warm-up and per epoch for the teacher temperature τ_t.
     */
    public static double linearWarmup(double start, double end, double warmupLength, double position) {
        if (warmupLength <= 0 || position >= warmupLength) {
            return end;
        }
        double progress = Math.max(0.0, position / warmupLength);
        return start + (end - start) * progress;
    }

    /**
     * DINO's learning-rate schedule: linear warm-up from {@code warmupStart} to {@code peak} over
     * {@code warmupSteps}, then half a cosine from {@code peak} down to {@code end} over the remaining steps.
     * The peak is reached exactly at step {@code warmupSteps}.
     */
    public static double warmupCosine(
            double warmupStart, double peak, double end, long warmupSteps, long step, long totalSteps) {
        if (step < warmupSteps) {
            return linearWarmup(warmupStart, peak, warmupSteps, step);
        }
        return cosine(peak, end, step - warmupSteps, totalSteps - warmupSteps);
    }
}
