package io.prosface.core.data;

/**
 * The geometry between an original image and the square model input cut from it: the square
 * [left, left + side) x [top, top + side) of the image (in image pixels, possibly reaching outside it) is resized to
 * {@code outputSize} x {@code outputSize}. It is a uniform scale plus a translation, so both directions are exact.
 *
 * <p>Serving maps the landmark head's normalised outputs back with {@link #normalizedToImage}; training maps labels
 * forward with {@link #imageToNormalized}. All point arrays are interleaved {@code x0,y0,x1,y1,...}.
 *
 * @param left image x of the input's left edge
 * @param top image y of the input's top edge
 * @param side side of the square in image pixels
 * @param outputSize side of the model input in pixels (Preprocessing.imageSize)
 */
public record CropTransform(double left, double top, double side, int outputSize) {

    public CropTransform {
        if (!(side > 0) || outputSize <= 0 || !Double.isFinite(left) || !Double.isFinite(top)) {
            throw new IllegalArgumentException(
                    "bad crop: left=" + left + " top=" + top + " side=" + side + " output=" + outputSize);
        }
    }

    /**
     * The square centred on the box, with side = longer box side * (1 + 2 * margin): the face keeps its aspect ratio
     * and gets {@code margin} of context on every side.
     */
    public static CropTransform around(FaceBox box, float margin, int outputSize) {
        double side = Math.max(box.width(), box.height()) * (1 + 2.0 * margin);
        return new CropTransform(box.centerX() - side / 2, box.centerY() - side / 2, side, outputSize);
    }

    /** The whole image, letterboxed: the square of the longer side, centred, black bars on the shorter side. */
    public static CropTransform wholeImage(int imageWidth, int imageHeight, int outputSize) {
        return around(new FaceBox(0, 0, imageWidth, imageHeight), 0f, outputSize);
    }

    /** Model-input pixels per image pixel. */
    public double scale() {
        return outputSize / side;
    }

    public float[] imageToInput(float[] points) {
        return map(points, scale(), -left * scale(), -top * scale());
    }

    public float[] inputToImage(float[] points) {
        double inverse = side / outputSize;
        return map(points, inverse, left, top);
    }

    /** Image pixels to [0,1] of the model input square (the landmark head's target space). */
    public float[] imageToNormalized(float[] points) {
        return map(points, 1 / side, -left / side, -top / side);
    }

    /** [0,1] of the model input square (the landmark head's output) to image pixels. */
    public float[] normalizedToImage(float[] points) {
        return map(points, side, left, top);
    }

    private static float[] map(float[] points, double scale, double offsetX, double offsetY) {
        if (points.length % 2 != 0) {
            throw new IllegalArgumentException("points must be x,y pairs, got " + points.length + " values");
        }
        float[] mapped = new float[points.length];
        for (int i = 0; i < points.length; i += 2) {
            mapped[i] = (float) (points[i] * scale + offsetX);
            mapped[i + 1] = (float) (points[i + 1] * scale + offsetY);
        }
        return mapped;
    }
}
