package io.prosface.core.train;

/**
 * The per-step schedules of a ProS run: learning rate, weight decay and teacher momentum, as DINO schedules them.
 * The teacher temperature is scheduled by the loss that uses it ({@link TeacherTemperatureSchedule}).
 *
 * @param stepsPerEpoch optimizer steps in one epoch
 * @param epochs length of the run
 * @param peakLearningRate learning rate at the end of the warm-up (already scaled by the batch size)
 * @param minLearningRate learning rate at the last step
 * @param warmupEpochs epochs of linear learning-rate warm-up from 0
 * @param weightDecayStart weight decay λ at step 0 (DINO: 0.04)
 * @param weightDecayEnd λ at the last step (DINO: 0.4)
 * @param momentumStart teacher EMA momentum m at step 0 (DINO: 0.996)
 * @param momentumEnd m at the last step (DINO: 1.0)
 */
public record ProsSchedule(
        long stepsPerEpoch,
        int epochs,
        double peakLearningRate,
        double minLearningRate,
        int warmupEpochs,
        double weightDecayStart,
        double weightDecayEnd,
        double momentumStart,
        double momentumEnd) {

    public ProsSchedule {
        if (stepsPerEpoch <= 0 || epochs <= 0) {
            throw new IllegalArgumentException(
                    "stepsPerEpoch and epochs must be positive, got " + stepsPerEpoch + " and " + epochs);
        }
        if (warmupEpochs < 0 || warmupEpochs > epochs) {
            throw new IllegalArgumentException("warmupEpochs must be in [0, " + epochs + "], got " + warmupEpochs);
        }
        if (momentumStart < 0 || momentumStart > 1 || momentumEnd < 0 || momentumEnd > 1) {
            throw new IllegalArgumentException(
                    "teacher momentum must be in [0, 1], got " + momentumStart + " -> " + momentumEnd);
        }
    }

    /**
     * DINO's ViT recipe: lr = base * batch / 256 with 10 warm-up epochs (fewer for short runs) down to 1e-6,
     * weight decay 0.04 to 0.4, teacher momentum 0.996 to 1.
     */
    public static ProsSchedule dino(double baseLearningRate, int batchSize, int epochs, long stepsPerEpoch) {
        return new ProsSchedule(
                stepsPerEpoch,
                epochs,
                Schedules.scaledLearningRate(baseLearningRate, batchSize),
                1e-6,
                Math.min(10, epochs),
                0.04,
                0.4,
                0.996,
                1.0);
    }

    /** A copy with another teacher momentum range (short test runs need a faster teacher). */
    public ProsSchedule withMomentum(double start, double end) {
        return new ProsSchedule(
                stepsPerEpoch,
                epochs,
                peakLearningRate,
                minLearningRate,
                warmupEpochs,
                weightDecayStart,
                weightDecayEnd,
                start,
                end);
    }

    public long totalSteps() {
        return stepsPerEpoch * epochs;
    }

    /** The 0-based epoch a global step falls in. */
    public int epoch(long step) {
        return (int) (step / stepsPerEpoch);
    }

    public double learningRate(long step) {
        return Schedules.warmupCosine(
                0.0, peakLearningRate, minLearningRate, warmupEpochs * stepsPerEpoch, step, totalSteps());
    }

    /** Weight decay λ, cosine from start to end over the whole run. */
    public double weightDecay(long step) {
        return Schedules.cosine(weightDecayStart, weightDecayEnd, step, totalSteps());
    }

    /** Teacher EMA momentum m, cosine from start to end over the whole run. */
    public double teacherMomentum(long step) {
        return Schedules.cosine(momentumStart, momentumEnd, step, totalSteps());
    }
}
