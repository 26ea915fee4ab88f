package io.prosface.core.data;

import java.util.Arrays;

/**
 * Constants of the image preprocessing a model was trained with; stored in every checkpoint so that training and
 * serving prepare pixels identically.
 *
 * @param imageSize side of the square model input in pixels
 * @param mean per-channel mean (RGB, on the 0..1 scale) subtracted before dividing by {@code std}
 * @param std per-channel standard deviation (RGB, 0..1 scale)
 * @param faceMargin fraction of the face box side added on each side before cropping (0.2 = 20%)
 */
public record Preprocessing(int imageSize, float[] mean, float[] std, float faceMargin) {

    public Preprocessing {
        if (imageSize <= 0) {
            throw new IllegalArgumentException("imageSize must be positive: " + imageSize);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 channels (RGB)");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** ImageNet statistics, the usual choice for ViTs. */
    public static Preprocessing imagenet(int imageSize) {
        return new Preprocessing(
                imageSize, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, 0.2f);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preprocessing that
                && imageSize == that.imageSize
                && faceMargin == that.faceMargin
                && Arrays.equals(mean, that.mean)
                && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(imageSize) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[imageSize=" + imageSize + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", faceMargin=" + faceMargin + "]";
    }
}
