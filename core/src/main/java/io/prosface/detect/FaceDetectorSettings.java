package io.prosface.detect;

/**
 * Tuning of {@link FaceDetector}. The defaults were measured on the real faces in {@code ../shared/data} and on
 * generated non-face images (see {@code FaceDetectorTest}).
 *
 * @param scaleFactor step between the cascade's pyramid scales (&gt; 1); 1.1 tries a scale every 10%, smaller is
 *     slower and finds slightly more faces
 * @param minNeighbors how many overlapping raw hits a box needs to be reported; higher means fewer false positives
 *     and more missed faces (5 gave no false positives on noise, gradients, shapes and text)
 * @param minFaceFraction smallest face side to look for, as a fraction of the image's shorter side (0, 1]
 * @param maxFaces at most this many boxes are returned, the largest ones (&gt; 0)
 * @param maxDetectionSide images whose longer side exceeds this many pixels are searched on a downscaled copy (boxes
 *     are mapped back); bounds the time per image for large photos
 * @param borderFraction the image is padded on every side by this fraction of its longer side (edge pixels
 *     repeated) before searching, because the cascade needs some context around a face and tightly cropped face
 *     images otherwise go undetected; 0 disables the padding
 */
public record FaceDetectorSettings(
        double scaleFactor,
        int minNeighbors,
        double minFaceFraction,
        int maxFaces,
        int maxDetectionSide,
        double borderFraction) {

    public FaceDetectorSettings {
        require(scaleFactor > 1.0 && scaleFactor <= 2.0, "scaleFactor must be in (1, 2], got " + scaleFactor);
        require(minNeighbors >= 0, "minNeighbors must be >= 0, got " + minNeighbors);
        require(
                minFaceFraction > 0 && minFaceFraction <= 1,
                "minFaceFraction must be in (0, 1], got " + minFaceFraction);
        require(maxFaces > 0, "maxFaces must be > 0, got " + maxFaces);
        require(maxDetectionSide >= 64, "maxDetectionSide must be >= 64 pixels, got " + maxDetectionSide);
        require(borderFraction >= 0 && borderFraction <= 1, "borderFraction must be in [0, 1], got " + borderFraction);
    }

    /**
     * scaleFactor 1.1, minNeighbors 5, faces from 10% of the shorter side (48 px on a 640×480 photo), 10 faces,
     * search at ≤ 640 px, 20% border. The time per image grows quickly as minFaceFraction shrinks (more, smaller
     * scales): on a 640 px image filled by one face, one call took ~150 ms at 0.08, ~90 ms at 0.1 and ~45 ms at
     * 0.15 (CPU time); curation, which only needs large faces, can raise it.
     */
    public static FaceDetectorSettings defaults() {
        return new FaceDetectorSettings(1.1, 5, 0.1, 10, 640, 0.2);
    }

    public FaceDetectorSettings withMaxFaces(int newMaxFaces) {
        return new FaceDetectorSettings(
                scaleFactor, minNeighbors, minFaceFraction, newMaxFaces, maxDetectionSide, borderFraction);
    }

    public FaceDetectorSettings withMinFaceFraction(double newMinFaceFraction) {
        return new FaceDetectorSettings(
                scaleFactor, minNeighbors, newMinFaceFraction, maxFaces, maxDetectionSide, borderFraction);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
