package io.prosface.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Pure geometry after the cascade search: map windows back to the image, drop duplicates, order by size. */
final class FaceBoxes {

    /** A window with less than this fraction of its area inside the image was found on the padding: dropped. */
    static final double MIN_INSIDE_FRACTION = 0.5;
    /** A box sharing more than this fraction of its own area with a larger kept box is the same face: dropped. */
    static final double MAX_SHARED_FRACTION = 0.5;

    private FaceBoxes() {}

    /**
     * Maps a window found on the padded, rescaled search image back to image pixels and clips it to the image.
     *
     * @param border padding added on each side of the rescaled image, in search-image pixels
     * @param scale search-image pixels per image pixel (≤ 1 when the image was downscaled)
     * @return the box, or null when less than {@link #MIN_INSIDE_FRACTION} of the window lies inside the image
     */
    static FaceBox fromSearchWindow(
            int windowX,
            int windowY,
            int windowWidth,
            int windowHeight,
            int neighbours,
            int border,
            double scale,
            int imageWidth,
            int imageHeight) {
        double left = (windowX - border) / scale;
        double top = (windowY - border) / scale;
        double right = (windowX + windowWidth - border) / scale;
        double bottom = (windowY + windowHeight - border) / scale;
        int clippedLeft = (int) Math.round(Math.max(0, left));
        int clippedTop = (int) Math.round(Math.max(0, top));
        int clippedRight = (int) Math.round(Math.min(imageWidth, right));
        int clippedBottom = (int) Math.round(Math.min(imageHeight, bottom));
        int width = clippedRight - clippedLeft;
        int height = clippedBottom - clippedTop;
        if (width <= 0
                || height <= 0
                || (double) width * height < MIN_INSIDE_FRACTION * (right - left) * (bottom - top)) {
            return null;
        }
        return new FaceBox(clippedLeft, clippedTop, width, height, neighbours);
    }

    /**
     * Largest first; a box mostly inside a larger one (the cascade sometimes reports a face and a part of it) is
     * dropped; at most {@code maxFaces} are kept.
     */
    static List<FaceBox> largestFirst(List<FaceBox> candidates, int maxFaces) {
        List<FaceBox> bySize = new ArrayList<>(candidates);
        bySize.sort(Comparator.comparingLong(FaceBox::area)
                .reversed()
                .thenComparing(Comparator.comparingInt(FaceBox::neighbours).reversed()));
        List<FaceBox> kept = new ArrayList<>();
        for (FaceBox candidate : bySize) {
            if (kept.size() == maxFaces) {
                break;
            }
            boolean duplicate = kept.stream()
                    .anyMatch(larger -> larger.intersectionArea(candidate) > MAX_SHARED_FRACTION * candidate.area());
            if (!duplicate) {
                kept.add(candidate);
            }
        }
        return List.copyOf(kept);
    }
}
