package io.prosface.core.data.augment;

/**
 * Ranges of the geometric jitter for landmark fine-tuning, applied around the centre of the model input.
 *
 * @param maxRotationDegrees rotation drawn from [-max, max]
 * @param scaleMin smallest zoom factor (less than 1 shows more context)
 * @param scaleMax largest zoom factor
 * @param maxTranslation shift drawn from [-max, max] times the input side, per axis
 * @param flipProbability horizontal flip, with left/right point indices swapped
 */
public record LandmarkAugmentationConfig(
        double maxRotationDegrees, double scaleMin, double scaleMax, double maxTranslation, double flipProbability) {

    public LandmarkAugmentationConfig {
        if (!(scaleMin > 0 && scaleMin <= scaleMax)
                || maxRotationDegrees < 0
                || maxTranslation < 0
                || flipProbability < 0
                || flipProbability > 1) {
            throw new IllegalArgumentException(
                    "bad landmark augmentation ranges: " + maxRotationDegrees + " deg, scale " + scaleMin + ".."
                            + scaleMax + ", shift " + maxTranslation + ", flip " + flipProbability);
        }
    }

    /** Moderate jitter used for 300-W style fine-tuning: ±20°, zoom 0.9-1.1, shift ±5%, flip half the time. */
    public static LandmarkAugmentationConfig defaults() {
        return new LandmarkAugmentationConfig(20, 0.9, 1.1, 0.05, 0.5);
    }

    /** No jitter at all (evaluation). */
    public static LandmarkAugmentationConfig none() {
        return new LandmarkAugmentationConfig(0, 1, 1, 0, 0);
    }
}
