package io.prosface.core.data.augment;

/**
 * A model input with its landmarks moved along.
 *
 * @param pixels normalised CHW float32, 3 * size * size
 * @param landmarks interleaved x,y in model-input pixels (0..size), in the point order of the augmented face
 * @param size side of the model input
 */
public record AugmentedFace(float[] pixels, float[] landmarks, int size) {

    /** Landmarks divided by the input side: the [0,1] targets of the landmark head. */
    public float[] normalizedLandmarks() {
        float[] normalized = new float[landmarks.length];
        for (int i = 0; i < landmarks.length; i++) {
            normalized[i] = landmarks[i] / size;
        }
        return normalized;
    }
}
