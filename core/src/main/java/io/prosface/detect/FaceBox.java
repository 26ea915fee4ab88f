package io.prosface.detect;

/**
 * One detected face: an axis-aligned box in the pixel coordinates of the image given to the detector.
 *
 * @param x left edge, pixels from the image's left border (0 ≤ x &lt; image width)
 * @param y top edge, pixels from the image's top border
 * @param width box width in pixels (&gt; 0); the box never extends beyond the image
 * @param height box height in pixels (&gt; 0)
 * @param neighbours how many overlapping raw cascade hits were merged into this box: a confidence proxy (higher is
 *     surer; at least {@link FaceDetectorSettings#minNeighbors()}), not a probability
 */
public record FaceBox(int x, int y, int width, int height, int neighbours) {

    public FaceBox {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("face box needs a positive size, got " + width + "x" + height);
        }
    }

    public long area() {
        return (long) width * height;
    }

    /** Area shared with {@code other}, in square pixels (0 when they do not overlap). */
    public long intersectionArea(FaceBox other) {
        long overlapWidth = Math.max(0, Math.min(x + width, other.x + other.width) - Math.max(x, other.x));
        long overlapHeight = Math.max(0, Math.min(y + height, other.y + other.height) - Math.max(y, other.y));
        return overlapWidth * overlapHeight;
    }

    /** Intersection over union with {@code other}, in [0, 1]. */
    public double intersectionOverUnion(FaceBox other) {
        long intersection = intersectionArea(other);
        return intersection / (double) (area() + other.area() - intersection);
    }
}
