package io.prosface.core.data;

/**
 * What decoding an image will cost, worked out from its header before any pixel is decoded.
 *
 * @param format the decoder's format name, lower case
 * @param storedWidth width as stored in the file (before the orientation is applied)
 * @param storedHeight height as stored
 * @param bytesPerPixel bytes one pixel takes as the decoder delivers it (bit depth × channels: 3 for an 8-bit RGB
 *        JPEG, 6 for a 16-bit RGB PNG, 8 for 16-bit RGBA)
 * @param orientation the EXIF orientation that turns the stored pixels upright
 * @param subsampling every how many stored pixels one is decoded, along both axes (1: all)
 * @param decodedBytes heap the decoded pixels take at once at that subsampling: the decoder's raster, its
 *        TYPE_INT_RGB copy and, when the orientation is not {@link Orientation#NORMAL}, the upright copy
 */
public record DecodePlan(
        String format,
        int storedWidth,
        int storedHeight,
        int bytesPerPixel,
        Orientation orientation,
        int subsampling,
        long decodedBytes) {

    /** Width of the upright image at full resolution: what answers are reported in. */
    public int uprightWidth() {
        return orientation.swapsSides() ? storedHeight : storedWidth;
    }

    /** Height of the upright image at full resolution. */
    public int uprightHeight() {
        return orientation.swapsSides() ? storedWidth : storedHeight;
    }

    /** Heap a decode of width × height pixels takes, with this many bytes per decoded pixel. */
    static long bytesFor(long width, long height, int bytesPerPixel, Orientation orientation) {
        int copies = Integer.BYTES + (orientation == Orientation.NORMAL ? 0 : Integer.BYTES);
        return width * height * (bytesPerPixel + copies);
    }

    /** Pixels along a side of {@code length} stored pixels when every {@code subsampling}-th one is decoded. */
    static int subsampledLength(int length, int subsampling) {
        int offset = subsampling / 2; // the centre pixel of each block, so block i maps back to [i*s, (i+1)*s)
        return (length - offset + subsampling - 1) / subsampling;
    }
}
