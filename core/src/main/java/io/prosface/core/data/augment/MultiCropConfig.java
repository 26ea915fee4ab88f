package io.prosface.core.data.augment;

/**
 * Settings of the DINO-style multi-crop augmentation. Probabilities are per view; scales are fractions of the
 * source image area for the random resized crop.
 *
 * @param globalSize side of the 2 global views in pixels
 * @param localSize side of the local views
 * @param localCropCount number of local views (DINO: 8; 0 disables them)
 * @param globalScaleMin smallest area fraction of a global crop (DINO 0.4)
 * @param globalScaleMax largest area fraction of a global crop (DINO 1.0)
 * @param localScaleMin smallest area fraction of a local crop (DINO 0.05)
 * @param localScaleMax largest area fraction of a local crop (DINO 0.4)
 * @param aspectRatioMin smallest width/height of a crop (3/4)
 * @param aspectRatioMax largest width/height of a crop (4/3)
 * @param flipProbability horizontal flip (0.5)
 * @param colorJitterProbability applying the colour jitter at all (0.8)
 * @param brightness brightness factor drawn from [1 - b, 1 + b] (0.4)
 * @param contrast contrast factor from [1 - c, 1 + c] (0.4)
 * @param saturation saturation factor from [1 - s, 1 + s] (0.2)
 * @param hue hue shift from [-h, h] turns (0.1)
 * @param grayscaleProbability (0.2)
 * @param firstGlobalBlurProbability Gaussian blur on the first global view (1.0)
 * @param secondGlobalBlurProbability on the second global view (0.1)
 * @param localBlurProbability on each local view (0.5)
 * @param blurSigmaMin smallest σ, in pixels of a 224-pixel global view (0.1); scaled by globalSize/224
 * @param blurSigmaMax largest σ, same scale (2.0)
 * @param solarizationProbability solarisation of the second global view only (0.2)
 */
public record MultiCropConfig(
        int globalSize,
        int localSize,
        int localCropCount,
        double globalScaleMin,
        double globalScaleMax,
        double localScaleMin,
        double localScaleMax,
        double aspectRatioMin,
        double aspectRatioMax,
        double flipProbability,
        double colorJitterProbability,
        double brightness,
        double contrast,
        double saturation,
        double hue,
        double grayscaleProbability,
        double firstGlobalBlurProbability,
        double secondGlobalBlurProbability,
        double localBlurProbability,
        double blurSigmaMin,
        double blurSigmaMax,
        double solarizationProbability) {

    public MultiCropConfig {
        if (globalSize <= 0 || localSize <= 0 || localCropCount < 0) {
            throw new IllegalArgumentException("view sizes must be positive and the local count non-negative");
        }
        if (!(0 < globalScaleMin && globalScaleMin <= globalScaleMax && globalScaleMax <= 1)
                || !(0 < localScaleMin && localScaleMin <= localScaleMax && localScaleMax <= 1)) {
            throw new IllegalArgumentException("crop scales must satisfy 0 < min <= max <= 1");
        }
        if (!(0 < aspectRatioMin && aspectRatioMin <= aspectRatioMax)) {
            throw new IllegalArgumentException("aspect ratio range must satisfy 0 < min <= max");
        }
        if (!(0 < blurSigmaMin && blurSigmaMin <= blurSigmaMax) || !(0 <= hue && hue <= 0.5)) {
            throw new IllegalArgumentException("blur sigma needs 0 < min <= max; hue must lie in [0, 0.5]");
        }
    }

    /** DINO's recipe with the given view sizes and number of local crops. */
    public static MultiCropConfig dino(int globalSize, int localSize, int localCropCount) {
        return new MultiCropConfig(
                globalSize,
                localSize,
                localCropCount,
                0.4,
                1.0,
                0.05,
                0.4,
                3.0 / 4,
                4.0 / 3,
                0.5,
                0.8,
                0.4,
                0.4,
                0.2,
                0.1,
                0.2,
                1.0,
                0.1,
                0.5,
                0.1,
                2.0,
                0.2);
    }

    /** The same recipe with other crop scale ranges (e.g. ProS or iBOT settings). */
    public MultiCropConfig withScales(double globalMin, double globalMax, double localMin, double localMax) {
        return new MultiCropConfig(
                globalSize,
                localSize,
                localCropCount,
                globalMin,
                globalMax,
                localMin,
                localMax,
                aspectRatioMin,
                aspectRatioMax,
                flipProbability,
                colorJitterProbability,
                brightness,
                contrast,
                saturation,
                hue,
                grayscaleProbability,
                firstGlobalBlurProbability,
                secondGlobalBlurProbability,
                localBlurProbability,
                blurSigmaMin,
                blurSigmaMax,
                solarizationProbability);
    }

    /**
     * The same recipe with other photometric probabilities: colour jitter, grayscale and solarisation (each in
     * [0, 1]). Early in a short run on faces of one layout the only thing a young network can tell images apart
     * by is their colour, so strong colour augmentation leaves nothing to predict across views.
     */
    public MultiCropConfig withColor(double jitter, double grayscale, double solarization) {
        for (double probability : new double[] {jitter, grayscale, solarization}) {
            if (!(0 <= probability && probability <= 1)) {
                throw new IllegalArgumentException("probabilities must lie in [0, 1], got " + probability);
            }
        }
        return new MultiCropConfig(
                globalSize,
                localSize,
                localCropCount,
                globalScaleMin,
                globalScaleMax,
                localScaleMin,
                localScaleMax,
                aspectRatioMin,
                aspectRatioMax,
                flipProbability,
                jitter,
                brightness,
                contrast,
                saturation,
                hue,
                grayscale,
                firstGlobalBlurProbability,
                secondGlobalBlurProbability,
                localBlurProbability,
                blurSigmaMin,
                blurSigmaMax,
                solarization);
    }

    /** Total views per image: 2 global + the local ones. */
    public int viewCount() {
        return 2 + localCropCount;
    }
}
