package io.prosface.core.data;

/**
 * An axis-aligned face rectangle in image pixels (continuous coordinates: the image spans [0, width] x [0, height]).
 * It may extend beyond the image; the crop pads with black there.
 */
public record FaceBox(float x, float y, float width, float height) {

    public FaceBox {
        if (!(width > 0)
                || !(height > 0)
                || !Float.isFinite(x)
                || !Float.isFinite(y)
                || !Float.isFinite(width)
                || !Float.isFinite(height)) {
            throw new IllegalArgumentException(
                    "face box needs finite position and positive size: " + x + "," + y + " " + width + "x" + height);
        }
    }

    /** The tight box around interleaved points {@code x0,y0,x1,y1,...} (e.g. 68 landmarks). */
    public static FaceBox enclosing(float[] points) {
        if (points.length < 4 || points.length % 2 != 0) {
            throw new IllegalArgumentException("need at least 2 points as x,y pairs, got " + points.length + " values");
        }
        float minX = Float.POSITIVE_INFINITY;
        float minY = Float.POSITIVE_INFINITY;
        float maxX = Float.NEGATIVE_INFINITY;
        float maxY = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < points.length; i += 2) {
            minX = Math.min(minX, points[i]);
            maxX = Math.max(maxX, points[i]);
            minY = Math.min(minY, points[i + 1]);
            maxY = Math.max(maxY, points[i + 1]);
        }
        return new FaceBox(minX, minY, Math.max(maxX - minX, 1e-3f), Math.max(maxY - minY, 1e-3f));
    }

    public float centerX() {
        return x + width / 2;
    }

    public float centerY() {
        return y + height / 2;
    }
}
