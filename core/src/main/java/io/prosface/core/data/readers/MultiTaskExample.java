package io.prosface.core.data.readers;

/**
 * One augmented face with every label the development data has for it; a missing label has weight 0 (masked, never
 * guessed). Arrays have fixed lengths so a batch stacks without padding.
 *
 * @param pixels normalised CHW model input, 3 * S * S
 * @param attributes A values in {0, 1} (CelebA order)
 * @param attributeMask A values: 1 where the attribute is known (all 40 for CelebA, {@code Male} only for UTKFace)
 * @param expression 7 probabilities in {@link Expression} order (a hand label, a teacher's soft label, or a mix)
 * @param expressionWeight 0 when the face has no expression label
 * @param landmarks 68 (x, y) pairs in [0, 1] of the model input
 * @param landmarkWeight 0 without points; hand points weigh more than a teacher's
 * @param age years (0 when unknown)
 * @param ageWeight 0 when the age is unknown
 */
public record MultiTaskExample(
        float[] pixels,
        float[] attributes,
        float[] attributeMask,
        float[] expression,
        float expressionWeight,
        float[] landmarks,
        float landmarkWeight,
        float age,
        float ageWeight) {}
