package io.prosface.core.train;

/**
 * The teacher temperature τ_t by epoch: a linear warm-up from {@code start} to {@code end} over
 * {@code warmupEpochs} epochs, then constant. A low τ_t sharpens the teacher's distribution over the prototypes;
 * starting lower than the final value is DINO's recipe against early instability.
 *
 * @param start τ_t at epoch 0 (DINO: 0.04)
 * @param end τ_t from epoch {@code warmupEpochs} on (DINO: 0.04 to 0.07)
 * @param warmupEpochs length of the ramp; 0 means constant {@code end}
 */
public record TeacherTemperatureSchedule(double start, double end, int warmupEpochs) {

    public TeacherTemperatureSchedule {
        if (!(start > 0) || !(end > 0)) {
            throw new IllegalArgumentException("teacher temperatures must be positive, got " + start + " -> " + end);
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException("warmupEpochs must be >= 0, got " + warmupEpochs);
        }
    }

    /** DINO's defaults: 0.04 rising to 0.07 over {@code warmupEpochs} epochs. */
    public static TeacherTemperatureSchedule dino(int warmupEpochs) {
        return new TeacherTemperatureSchedule(0.04, 0.07, warmupEpochs);
    }

    /** A constant temperature. */
    public static TeacherTemperatureSchedule constant(double temperature) {
        return new TeacherTemperatureSchedule(temperature, temperature, 0);
    }

    /** τ_t at the given (0-based) epoch. */
    public double at(int epoch) {
        return Schedules.linearWarmup(start, end, warmupEpochs, epoch);
    }
}
