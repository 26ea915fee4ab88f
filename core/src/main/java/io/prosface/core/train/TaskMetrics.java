package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Evaluation metrics of the fine-tuning tasks, returned as plain numbers. They never record gradients, so they
 * can be called on outputs produced inside a gradient collector.
 */
public final class TaskMetrics {

    /** iBUG 68-point index of the left eye's outer corner (0-based; the 300-W inter-ocular convention). */
    public static final int OUTER_EYE_CORNER_LEFT = 36;
    /** iBUG 68-point index of the right eye's outer corner (0-based). */
    public static final int OUTER_EYE_CORNER_RIGHT = 45;

    private TaskMetrics() {
    }

    /**
     * Mean attribute accuracy: an attribute is predicted present when sigmoid(logit) &gt; 0.5, i.e. logit &gt; 0;
     * averaged over every (image, attribute) pair, which equals the mean of the per-attribute accuracies.
     *
     * @param logits (B, A)
     * @param targets (B, A) 0 or 1
     */
    public static double attributeAccuracy(NDArray logits, NDArray targets) {
        return attributeHits(logits, targets).mean().getFloat();
    }

    /** Accuracy of each attribute over the batch, length A. */
    public static float[] perAttributeAccuracy(NDArray logits, NDArray targets) {
        return attributeHits(logits, targets).mean(new int[] {0}).toFloatArray();
    }

    /**
     * Top-1 accuracy.
     *
     * @param logits (B, C)
     * @param labels (B) class indices
     */
    public static double accuracy(NDArray logits, NDArray labels) {
        NDArray predicted = logits.stopGradient().argMax(1).toType(DataType.INT64, false);
        return predicted.eq(labels.toType(DataType.INT64, false)).toType(DataType.FLOAT32, false).mean().getFloat();
    }

    /**
     * Normalised mean error of each image: the mean Euclidean point error divided by the inter-ocular distance
     * (outer eye corners 36 and 45 of the true landmarks, the 300-W convention). Units cancel, so normalised and
     * pixel coordinates give the same value as long as both axes share one scale.
     *
     * @param predicted (B, 68, 2) (x, y)
     * @param target (B, 68, 2) (x, y)
     * @return B values (0.05 = an average error of 5 % of the inter-ocular distance)
     */
    public static float[] normalisedMeanErrors(NDArray predicted, NDArray target) {
        TaskLosses.checkLandmarks(predicted, target);
        if (target.getShape().get(1) <= OUTER_EYE_CORNER_RIGHT) {
            throw new IllegalArgumentException("NME needs the 68 iBUG points, got " + target.getShape().get(1));
        }
        NDArray truth = target.stopGradient();
        // (B, K, 2) -> (B, K): Euclidean error of every point
        NDArray pointErrors = predicted.stopGradient().sub(truth).square().sum(new int[] {2}).sqrt();
        // (B, K, 2) -> (B, 2) -> (B)
        NDArray interOcular = truth.get(":, " + OUTER_EYE_CORNER_LEFT + ", :")
                .sub(truth.get(":, " + OUTER_EYE_CORNER_RIGHT + ", :")).square().sum(new int[] {1}).sqrt();
        return pointErrors.mean(new int[] {1}).div(interOcular.maximum(1e-12f)).toFloatArray();
    }

    /** The batch mean of {@link #normalisedMeanErrors(NDArray, NDArray)}. */
    public static double normalisedMeanError(NDArray predicted, NDArray target) {
        float[] errors = normalisedMeanErrors(predicted, target);
        double sum = 0;
        for (float error : errors) {
            sum += error;
        }
        return sum / errors.length;
    }

    /** Fraction of images whose NME exceeds {@code threshold} (300-W reports it at 0.08 and 0.10). */
    public static double failureRate(float[] normalisedMeanErrors, double threshold) {
        long failures = 0;
        for (float error : normalisedMeanErrors) {
            if (error > threshold) {
                failures++;
            }
        }
        return (double) failures / normalisedMeanErrors.length;
    }

    public static double meanAbsoluteError(NDArray predicted, NDArray target) {
        return predicted.stopGradient().sub(target).abs().mean().getFloat();
    }

    public static double meanSquaredError(NDArray predicted, NDArray target) {
        return predicted.stopGradient().sub(target).square().mean().getFloat();
    }

    private static NDArray attributeHits(NDArray logits, NDArray targets) {
        NDArray predicted = logits.stopGradient().gt(0f);
        NDArray truth = targets.gt(0.5f);
        return predicted.eq(truth).toType(DataType.FLOAT32, false);
    }
}
