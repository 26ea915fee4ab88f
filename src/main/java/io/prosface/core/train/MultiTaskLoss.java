package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The loss of multi-task fine-tuning, every term masked by what each face has labels for (a face without a label
 * neither counts nor pulls): masked binary cross-entropy on the attributes, cross-entropy against soft expression
 * targets (hand one-hot and/or a teacher's probabilities: distillation), L1 on the 68 points weighted per face (hand
 * points 1, a teacher's less), and L1 on the age in decades. Total = attributes + expression + λ_lm · landmarks +
 * λ_age · age.
 *
 * @param landmarkWeight λ_lm: the point errors are fractions of the input side (0.01-0.05), far below the others
 * @param ageWeight λ_age on the age error in tens of years
 */
public record MultiTaskLoss(double landmarkWeight, double ageWeight) {

    /** The terms of one batch; each a scalar in the batch's manager. */
    public record Terms(NDArray total, NDArray attributes, NDArray expression, NDArray landmarks, NDArray age) {}

    /**
     * @param attributeLogits (B, A); attributeTargets, attributeMask (B, A)
     * @param expressionLogits (B, 7); expressionTargets (B, 7) probabilities; expressionWeights (B)
     * @param landmarks (B, 68, 2) predicted in [0, 1]; landmarkTargets (B, 68, 2); landmarkWeights (B)
     * @param age (B, 1) years; ageTargets, ageWeights (B)
     */
    public Terms compute(NDArray attributeLogits, NDArray attributeTargets, NDArray attributeMask,
            NDArray expressionLogits, NDArray expressionTargets, NDArray expressionWeights,
            NDArray landmarks, NDArray landmarkTargets, NDArray landmarkWeights,
            NDArray age, NDArray ageTargets, NDArray ageWeights) {
        NDArray attributes = TaskLosses.binaryCrossEntropyWithLogits(attributeLogits, attributeTargets, attributeMask);
        // (B, 7) -> (B): -Σ_c q_c log p_c per face
        NDArray perFaceExpression = expressionTargets.mul(expressionLogits.logSoftmax(1)).sum(new int[] {1}).neg();
        NDArray expression = weightedMean(perFaceExpression, expressionWeights);
        // (B, K, 2) -> (B): mean |Δ| over the points' coordinates per face
        NDArray perFaceLandmarks = landmarks.sub(landmarkTargets).abs().mean(new int[] {2}).mean(new int[] {1});
        NDArray landmarkTerm = weightedMean(perFaceLandmarks, landmarkWeights);
        // (B, 1) -> (B), in decades
        NDArray perFaceAge = age.reshape(new Shape(-1)).sub(ageTargets).abs().div(GraphScalars.of(age, 10));
        NDArray ageTerm = weightedMean(perFaceAge, ageWeights);
        NDArray total = attributes.add(expression)
                .add(landmarkTerm.mul(GraphScalars.of(landmarkTerm, landmarkWeight)))
                .add(ageTerm.mul(GraphScalars.of(ageTerm, ageWeight)));
        return new Terms(total, attributes, expression, landmarkTerm, ageTerm);
    }

    /** Σ w_i x_i / max(Σ w_i, 1e-6): zero, with no gradient, for a batch where every weight is 0. */
    private static NDArray weightedMean(NDArray values, NDArray weights) {
        NDArray w = weights.toType(values.getDataType(), false);
        return values.mul(w).sum().div(w.sum().maximum(GraphScalars.of(w, 1e-6)));
    }
}
