package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.prosface.core.model.HeadKind;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation metrics of the fine-tuning tasks, returned as plain numbers. They never record gradients, so they
 * can be called on outputs produced inside a gradient collector. Two views of a trained head's raw outputs (one
 * flat float[] per image, landmarks as x0, y0, x1, ...):
 * <ul>
 *   <li>{@link #taskMetric}: the one number of the evaluation protocol per head kind (mean attribute accuracy,
 *       top-1 accuracy, 68-point NME, mean absolute error);</li>
 *   <li>{@link #named}: the metrics a user reads on a few-shot job, by name.</li>
 * </ul>
 */
public final class TaskMetrics {

    /** iBUG 68-point index of the left eye's outer corner (0-based; the 300-W inter-ocular convention). */
    public static final int OUTER_EYE_CORNER_LEFT = 36;
    /** iBUG 68-point index of the right eye's outer corner (0-based). */
    public static final int OUTER_EYE_CORNER_RIGHT = 45;

    private TaskMetrics() {}

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
        return predicted
                .eq(labels.toType(DataType.INT64, false))
                .toType(DataType.FLOAT32, false)
                .mean()
                .getFloat();
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
            throw new IllegalArgumentException(
                    "NME needs the 68 iBUG points, got " + target.getShape().get(1));
        }
        NDArray truth = target.stopGradient();
        // (B, K, 2) -> (B, K): Euclidean error of every point
        NDArray pointErrors =
                predicted.stopGradient().sub(truth).square().sum(new int[] {2}).sqrt();
        // (B, K, 2) -> (B, 2) -> (B)
        NDArray interOcular = truth.get(":, " + OUTER_EYE_CORNER_LEFT + ", :")
                .sub(truth.get(":, " + OUTER_EYE_CORNER_RIGHT + ", :"))
                .square()
                .sum(new int[] {1})
                .sqrt();
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

    /**
     * The task metric of raw head outputs: mean accuracy (attributes, multi-label), accuracy (expression, classes),
     * NME (landmarks, 68 points) or mean absolute error (regression).
     *
     * @param outputs one flat row per image; landmarks (x0, y0, x1, ...)
     * @param targets one row per image: A values, a class index, 2K interleaved coordinates
     */
    public static double taskMetric(HeadKind kind, List<float[]> outputs, List<float[]> targets, NDManager manager) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("no samples to evaluate");
        }
        if (kind != HeadKind.LANDMARKS) {
            // the same numbers a job reports: accuracy (mean over labels and images for multi-label), or MAE
            return named(kind, outputs, targets).get(kind == HeadKind.REGRESSION ? "mae" : "accuracy");
        }
        try (NDManager metricManager = manager.newSubManager()) {
            // (B, K, 2) points for the inter-ocular NME
            Shape shape = new Shape(outputs.size(), outputs.get(0).length / 2, 2);
            return normalisedMeanError(
                    metricManager.create(flatten(outputs), shape), metricManager.create(flatten(targets), shape));
        }
    }

    /**
     * Metrics a user can read on a job, by name, from raw head outputs (one flat float[] per image) and targets:
     * <ul>
     *   <li>classification, expression: {@code accuracy} (top-1), and {@code chance} (share of the most frequent
     *       class);</li>
     *   <li>multilabel, attributes: {@code accuracy} (mean over labels and images, threshold 0.5);</li>
     *   <li>regression: {@code mae} and {@code rmse} in the label's units, mean over outputs;</li>
     *   <li>landmarks: {@code mean_error}, the mean point distance as a share of the model input side.</li>
     * </ul>
     * No images: no metrics (an empty map).
     */
    public static Map<String, Double> named(HeadKind kind, List<float[]> outputs, List<float[]> targets) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        int count = outputs.size();
        if (count == 0) {
            return metrics;
        }
        switch (kind) {
            case CLASSIFICATION, EXPRESSION -> {
                int correct = 0;
                Map<Integer, Integer> frequency = new HashMap<>();
                for (int i = 0; i < count; i++) {
                    int truth = (int) targets.get(i)[0];
                    correct += argmax(outputs.get(i)) == truth ? 1 : 0;
                    frequency.merge(truth, 1, Integer::sum);
                }
                metrics.put("accuracy", (double) correct / count);
                metrics.put("chance", (double) Collections.max(frequency.values()) / count);
            }
            case MULTILABEL, ATTRIBUTES -> {
                long correct = 0;
                long total = 0;
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < outputs.get(i).length; j++) {
                        // logit > 0 <=> sigmoid > 0.5
                        correct += (outputs.get(i)[j] > 0) == (targets.get(i)[j] > 0.5f) ? 1 : 0;
                        total++;
                    }
                }
                metrics.put("accuracy", (double) correct / total);
            }
            case REGRESSION -> {
                double absolute = 0;
                double squared = 0;
                int values = 0;
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < outputs.get(i).length; j++) {
                        double error = outputs.get(i)[j] - targets.get(i)[j];
                        absolute += Math.abs(error);
                        squared += error * error;
                        values++;
                    }
                }
                metrics.put("mae", absolute / values);
                metrics.put("rmse", Math.sqrt(squared / values));
            }
            case LANDMARKS -> {
                double distance = 0;
                int points = 0;
                for (int i = 0; i < count; i++) {
                    float[] predicted = outputs.get(i);
                    float[] truth = targets.get(i);
                    for (int p = 0; p + 1 < truth.length; p += 2) {
                        distance += Math.hypot(predicted[p] - truth[p], predicted[p + 1] - truth[p + 1]);
                        points++;
                    }
                }
                metrics.put("mean_error", distance / points);
            }
        }
        return metrics;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float[] flatten(List<float[]> rows) {
        int width = rows.get(0).length;
        float[] all = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, all, i * width, width);
        }
        return all;
    }

    private static NDArray attributeHits(NDArray logits, NDArray targets) {
        NDArray predicted = logits.stopGradient().gt(0f);
        NDArray truth = targets.gt(0.5f);
        return predicted.eq(truth).toType(DataType.FLOAT32, false);
    }
}
