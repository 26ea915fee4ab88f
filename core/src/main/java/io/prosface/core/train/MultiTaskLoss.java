package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The loss of multi-task fine-tuning, every term masked by what each face has labels for (a face without a label
 * neither counts nor pulls): masked binary cross-entropy on the attributes, cross-entropy against soft expression
 * targets (hand one-hot and/or a teacher's probabilities: distillation), L1 on the 68 points weighted per face (hand
 * points 1, a teacher's less), and L1 on the age in decades. Total = attributes + expression + λ_lm · landmarks +
 * λ_age · age. An attribute can weigh more than the others inside the attribute term (its known labels count w times
 * in the weighted mean): {@code Male} is one of 40 CelebA columns but the only label of every UTKFace face, and gender
 * is the attribute users check first.
 *
 * @param landmarkWeight λ_lm: the point errors are fractions of the input side (0.01-0.05), far below the others
 * @param ageWeight λ_age on the age error in tens of years
 * @param attributeWeights one weight per attribute column (all 1 when empty)
 */
public record MultiTaskLoss(double landmarkWeight, double ageWeight, List<Double> attributeWeights) {

    public MultiTaskLoss {
        attributeWeights = List.copyOf(attributeWeights);
        if (attributeWeights.stream().anyMatch(w -> !(w > 0) || !Double.isFinite(w))) {
            throw new IllegalArgumentException("attribute weights must be finite and positive: " + attributeWeights);
        }
    }

    /** Every attribute weighs the same. */
    public MultiTaskLoss(double landmarkWeight, double ageWeight) {
        this(landmarkWeight, ageWeight, List.of());
    }

    /** All attributes 1, except {@code name} (one of {@code names}) which weighs {@code weight}. */
    public static List<Double> emphasizing(List<String> names, String name, double weight) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("no attribute " + name + " among " + names);
        }
        return names.stream().map(n -> n.equals(name) ? weight : 1.0).toList();
    }

    /** The terms of one batch; each a scalar in the batch's manager. */
    public record Terms(NDArray total, NDArray attributes, NDArray expression, NDArray landmarks, NDArray age) {}

    /**
     * @param attributeLogits (B, A); attributeTargets, attributeMask (B, A)
     * @param expressionLogits (B, 7); expressionTargets (B, 7) probabilities; expressionWeights (B)
     * @param landmarks (B, 68, 2) predicted in [0, 1]; landmarkTargets (B, 68, 2); landmarkWeights (B)
     * @param age (B, 1) years; ageTargets, ageWeights (B)
     */
    public Terms compute(
            NDArray attributeLogits,
            NDArray attributeTargets,
            NDArray attributeMask,
            NDArray expressionLogits,
            NDArray expressionTargets,
            NDArray expressionWeights,
            NDArray landmarks,
            NDArray landmarkTargets,
            NDArray landmarkWeights,
            NDArray age,
            NDArray ageTargets,
            NDArray ageWeights) {
        NDArray attributes =
                TaskLosses.binaryCrossEntropyWithLogits(attributeLogits, attributeTargets, weighted(attributeMask));
        // (B, 7) -> (B): -Σ_c q_c log p_c per face
        NDArray perFaceExpression = expressionTargets
                .mul(expressionLogits.logSoftmax(1))
                .sum(new int[] {1})
                .neg();
        NDArray expression = weightedMean(perFaceExpression, expressionWeights);
        // (B, K, 2) -> (B): mean |Δ| over the points' coordinates per face
        NDArray perFaceLandmarks =
                landmarks.sub(landmarkTargets).abs().mean(new int[] {2}).mean(new int[] {1});
        NDArray landmarkTerm = weightedMean(perFaceLandmarks, landmarkWeights);
        // (B, 1) -> (B), in decades
        NDArray perFaceAge = age.reshape(new Shape(-1)).sub(ageTargets).abs().div(GraphScalars.of(age, 10));
        NDArray ageTerm = weightedMean(perFaceAge, ageWeights);
        NDArray total = attributes
                .add(expression)
                .add(landmarkTerm.mul(GraphScalars.of(landmarkTerm, landmarkWeight)))
                .add(ageTerm.mul(GraphScalars.of(ageTerm, ageWeight)));
        return new Terms(total, attributes, expression, landmarkTerm, ageTerm);
    }

    /** The mask (B, A) times the per-attribute weights (A), broadcast over the batch. */
    private NDArray weighted(NDArray attributeMask) {
        if (attributeWeights.isEmpty()) {
            return attributeMask;
        }
        long columns = attributeMask.getShape().get(1);
        if (attributeWeights.size() != columns) {
            throw new IllegalArgumentException(
                    attributeWeights.size() + " attribute weights for " + columns + " attributes");
        }
        float[] row = new float[attributeWeights.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = attributeWeights.get(i).floatValue();
        }
        NDArray weights = attributeMask.getManager().create(row).toDevice(attributeMask.getDevice(), false);
        return attributeMask.toType(DataType.FLOAT32, false).mul(weights);
    }

    /** Σ w_i x_i / max(Σ w_i, 1e-6): zero, with no gradient, for a batch where every weight is 0. */
    private static NDArray weightedMean(NDArray values, NDArray weights) {
        NDArray w = weights.toType(values.getDataType(), false);
        return values.mul(w).sum().div(w.sum().maximum(GraphScalars.of(w, 1e-6)));
    }
}
