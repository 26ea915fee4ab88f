package io.prosface.core.data;

import java.awt.image.BufferedImage;

/**
 * An upright image decoded at a reduced resolution where its full size would cost too much memory. Pixel
 * coordinates in {@link #pixels()} times {@link #subsampling()} are coordinates in the full-size upright image.
 *
 * @param pixels TYPE_INT_RGB, upright (EXIF orientation applied), every {@code subsampling}-th pixel of each axis
 * @param width the full-size upright image's width, in its pixels
 * @param height the full-size upright image's height
 * @param subsampling full-size pixels per decoded pixel along each axis (1: decoded at full size)
 * @param format the encoding the decoder read, as its ImageIO reader names it in lower case ("jpeg", "png", "bmp",
 *     "webp")
 */
public record DecodedImage(BufferedImage pixels, int width, int height, int subsampling, String format) {

    /** A box in full-size upright pixels, in {@link #pixels()}' frame. */
    public FaceBox toDecoded(FaceBox box) {
        return subsampling == 1
                ? box
                : new FaceBox(
                        box.x() / subsampling,
                        box.y() / subsampling,
                        box.width() / subsampling,
                        box.height() / subsampling);
    }

    /** A box in {@link #pixels()}' frame, in full-size upright pixels. */
    public FaceBox toFullSize(FaceBox box) {
        return subsampling == 1
                ? box
                : new FaceBox(
                        box.x() * subsampling,
                        box.y() * subsampling,
                        box.width() * subsampling,
                        box.height() * subsampling);
    }

    /** Interleaved points {@code x0,y0,x1,y1,...} in full-size upright pixels, in {@link #pixels()}' frame (a copy). */
    public float[] toDecoded(float[] points) {
        float[] scaled = points.clone();
        if (subsampling != 1) {
            for (int index = 0; index < scaled.length; index++) {
                scaled[index] /= subsampling;
            }
        }
        return scaled;
    }

    /** Interleaved points {@code x0,y0,x1,y1,...} in {@link #pixels()}' frame, in full-size upright pixels (a copy). */
    public float[] toFullSize(float[] points) {
        float[] scaled = points.clone();
        for (int index = 0; index < scaled.length; index++) {
            scaled[index] *= subsampling;
        }
        return scaled;
    }
}
