package io.prosface.detect;

/**
 * The square that a detected face's 68 landmarks span, estimated from the Haar cascade's box: the box models are
 * trained at. Training frames each labelled face around the box of its landmarks (synthetic crops, iBUG folders), so
 * serving must cut a detected face around the same box, not around the cascade's, which is larger and sits higher (it
 * reaches into the forehead and stops above the chin).
 *
 * <p>Measured on LFPW train (297 faces the cascade found, OpenCV's frontal-face cascade at the default settings): the
 * longer side of the landmarks' box is {@value #SIDE_SCALE} of the cascade box's side (10th-90th percentile 0.81-0.97),
 * its centre {@value #CENTRE_SHIFT_Y} of the side lower (0.09-0.18) and level horizontally (mean 0.01).
 *
 * @param x left edge in image pixels (may lie outside the image)
 * @param y top edge in image pixels (may lie outside the image)
 * @param side side in pixels
 */
public record LandmarkSquare(double x, double y, double side) {

    /** Landmark box side / cascade box side (median over LFPW train). */
    public static final double SIDE_SCALE = 0.87;
    /** Downward shift of the landmark box's centre from the cascade box's, as a fraction of the cascade box's side. */
    public static final double CENTRE_SHIFT_Y = 0.13;

    public static LandmarkSquare of(FaceBox detected) {
        double side = Math.max(detected.width(), detected.height());
        double centreX = detected.x() + detected.width() / 2.0;
        double centreY = detected.y() + detected.height() / 2.0 + CENTRE_SHIFT_Y * side;
        double square = SIDE_SCALE * side;
        return new LandmarkSquare(centreX - square / 2, centreY - square / 2, square);
    }
}
