package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Differentiable losses of the fine-tuning tasks. Each returns a scalar in the manager of its first argument, so
 * a caller that runs it inside a gradient collector can call backward on it directly.
 */
public final class TaskLosses {

    private TaskLosses() {}

    /**
     * Binary cross-entropy on logits, averaged over every (image, attribute) pair, in the numerically stable form
     * max(x, 0) - x y + log(1 + exp(-|x|)).
     *
     * @param logits (B, A) raw scores
     * @param targets (B, A) 0 or 1
     */
    public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray targets) {
        return binaryCrossEntropyTerms(logits, targets).mean();
    }

    /**
     * As {@link #binaryCrossEntropyWithLogits(NDArray, NDArray)}, averaged only over the pairs whose label is
     * known (mask 1); pairs with mask 0 neither count nor produce a gradient.
     *
     * @param mask (B, A) 1 for a known label, 0 for a missing one
     */
    public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray targets, NDArray mask) {
        NDArray weights = mask.toType(logits.getDataType(), false);
        return binaryCrossEntropyTerms(logits, targets).mul(weights).sum().div(atLeastOne(weights.sum()));
    }

    /**
     * Cross-entropy with label smoothing ε: the target puts 1 - ε on the true class and spreads ε uniformly over all
     * C classes (PyTorch's convention); ε = 0 is plain cross-entropy.
     *
     * @param logits (B, C) raw scores
     * @param labels (B) class indices
     * @param labelSmoothing ε in [0, 1)
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, double labelSmoothing) {
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        int classes = Math.toIntExact(logits.getShape().get(1));
        // (B) -> (B, C): smoothed target distribution q, a constant outside the graph
        NDArray target = labels.toType(DataType.INT64, false)
                .oneHot(classes, logits.getDataType())
                .mul(1 - labelSmoothing)
                .add(labelSmoothing / classes);
        return target.mul(logits.logSoftmax(1)).sum(new int[] {1}).neg().mean();
    }

    /**
     * Smooth-L1 (Huber) loss on landmark coordinates normalised to [0, 1], averaged over the coordinates of the
     * visible points. Below {@code beta} the loss is quadratic (0.5 d² / β), above it linear (|d| - β / 2);
     * β = 0 is plain L1, which keeps a steady pull on small errors and suits landmark regression.
     *
     * @param predicted (B, K, 2) predicted (x, y)
     * @param target (B, K, 2) true (x, y)
     * @param visible (B, K) 1 for a point with a label, 0 for a missing one; null when every point is labelled
     * @param beta transition point in normalised units (e.g. 0.01 = 1 % of the image side)
     */
    public static NDArray landmarkSmoothL1(NDArray predicted, NDArray target, NDArray visible, double beta) {
        checkLandmarks(predicted, target);
        NDArray difference = predicted.sub(target).abs();
        NDArray terms = difference;
        if (beta > 0) {
            NDArray quadratic = difference.lt(beta).toType(difference.getDataType(), false);
            NDArray linear = difference.gte(beta).toType(difference.getDataType(), false);
            terms = quadratic
                    .mul(difference.square().div(GraphScalars.of(difference, 2 * beta)))
                    .add(linear.mul(difference.sub(GraphScalars.of(difference, beta / 2))));
        }
        if (visible == null) {
            return terms.mean();
        }
        // (B, K) -> (B, K, 1): one weight for both coordinates of a point
        NDArray weights = visible.toType(terms.getDataType(), false).expandDims(2);
        // two coordinates per visible point
        return terms.mul(weights).sum().div(atLeastOne(weights.sum().mul(2)));
    }

    /** Mean squared error over every element. */
    public static NDArray meanSquaredError(NDArray predicted, NDArray target) {
        return predicted.sub(target).square().mean();
    }

    /** Mean absolute error over every element. */
    public static NDArray meanAbsoluteError(NDArray predicted, NDArray target) {
        return predicted.sub(target).abs().mean();
    }

    private static NDArray binaryCrossEntropyTerms(NDArray logits, NDArray targets) {
        NDArray y = targets.toType(logits.getDataType(), false);
        NDArray zero = GraphScalars.of(logits, 0);
        NDArray one = GraphScalars.of(logits, 1);
        // max(x, 0) - x y + log(1 + exp(-|x|))
        return logits.maximum(zero)
                .sub(logits.mul(y))
                .add(logits.abs().neg().exp().add(one).log());
    }

    /** max(count, 1): an all-masked batch gives 0 instead of 0 / 0. The count is a constant, not in the graph. */
    private static NDArray atLeastOne(NDArray count) {
        return count.maximum(GraphScalars.of(count, 1));
    }

    static void checkLandmarks(NDArray predicted, NDArray target) {
        Shape shape = predicted.getShape();
        if (shape.dimension() != 3 || shape.get(2) != 2 || !shape.equals(target.getShape())) {
            throw new IllegalArgumentException(
                    "landmarks must both be (B, K, 2), got " + shape + " and " + target.getShape());
        }
    }
}
