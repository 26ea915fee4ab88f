package io.prosface.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Bytes to model input, identically in training and serving: decode (with the {@link ImageDecoder} size guard) ->
 * square crop around the face box plus {@link Preprocessing#faceMargin()} (or the whole image, letterboxed) ->
 * antialiased resize to {@link Preprocessing#imageSize()} -> (x/255 - mean) / std -> CHW float32.
 * Its constants come from the checkpoint's {@link Preprocessing}. Thread-safe and stateless apart from them.
 */
public final class FacePreprocessor {

    private final Preprocessing preprocessing;
    private final ImageDecoder decoder;

    public FacePreprocessor(Preprocessing preprocessing, ImageDecoder decoder) {
        this.preprocessing = preprocessing;
        this.decoder = decoder;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Side of the square model input, S. */
    public int imageSize() {
        return preprocessing.imageSize();
    }

    /**
     * The crop for an image of the given size: around {@code box} with the margin, or the whole image when the box
     * is null. A box that does not overlap the image at all is refused (IllegalArgumentException).
     */
    public CropTransform cropFor(int imageWidth, int imageHeight, FaceBox box) {
        if (box == null) {
            return CropTransform.wholeImage(imageWidth, imageHeight, imageSize());
        }
        if (box.x() >= imageWidth
                || box.y() >= imageHeight
                || box.x() + box.width() <= 0
                || box.y() + box.height() <= 0) {
            throw new IllegalArgumentException(
                    "face box " + box + " lies outside the " + imageWidth + "x" + imageHeight + " image");
        }
        return CropTransform.around(box, preprocessing.faceMargin(), imageSize());
    }

    /** Decodes untrusted bytes and prepares them; bad bytes throw {@link InvalidImageException}. */
    public PreparedFace prepare(byte[] encodedImage, FaceBox box) {
        return prepare(decoder.decode(encodedImage), box);
    }

    public PreparedFace prepare(BufferedImage image, FaceBox box) {
        RgbImage rgb = RgbImage.of(image);
        CropTransform crop = cropFor(rgb.width(), rgb.height(), box);
        return new PreparedFace(toChw(rgb, crop), crop, rgb.width(), rgb.height());
    }

    /** Crops, resizes and normalises into a new 3*S*S array. */
    public float[] toChw(RgbImage image, CropTransform crop) {
        int size = crop.outputSize();
        float[] chw = new float[3 * size * size];
        Resampler.resizeRegion(image, crop.left(), crop.top(), crop.side(), crop.side(), size, size, chw, 0);
        normalize(chw, preprocessing.mean(), preprocessing.std());
        return chw;
    }

    /** One face as an NDArray (3, S, S) owned by {@code manager}. */
    public NDArray toNDArray(NDManager manager, float[] chw) {
        return manager.create(chw, new Shape(3, imageSize(), imageSize()));
    }

    /** A batch (B, 3, S, S) owned by {@code manager}, copied once from the per-face arrays. */
    public NDArray batch(NDManager manager, List<float[]> faces) {
        return stack(manager, faces, imageSize());
    }

    /** Stacks B planar images of side {@code size} into (B, 3, size, size). */
    public static NDArray stack(NDManager manager, List<float[]> images, int size) {
        int length = 3 * size * size;
        float[] batch = new float[images.size() * length];
        for (int i = 0; i < images.size(); i++) {
            float[] image = images.get(i);
            if (image.length != length) {
                throw new IllegalArgumentException(
                        "image " + i + " has " + image.length + " values, expected 3x" + size + "x" + size);
            }
            System.arraycopy(image, 0, batch, i * length, length);
        }
        return manager.create(batch, new Shape(images.size(), 3, size, size));
    }

    /** In place: each channel plane (values 0..1) becomes (value - mean[c]) / std[c]. */
    public static void normalize(float[] chw, float[] mean, float[] std) {
        int plane = chw.length / 3;
        for (int channel = 0; channel < 3; channel++) {
            float shift = mean[channel];
            float inverseStd = 1f / std[channel];
            for (int i = channel * plane, end = i + plane; i < end; i++) {
                chw[i] = (chw[i] - shift) * inverseStd;
            }
        }
    }
}
