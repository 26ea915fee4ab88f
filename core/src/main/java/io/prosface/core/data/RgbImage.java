package io.prosface.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * Packed 0xRRGGBB pixels in row-major order: the working form of every resize and augmentation here, so that no
 * inner loop calls {@code getRGB}/{@code setRGB} per pixel. Treat {@code pixels} as read-only: it may share the
 * buffer of the image it came from.
 */
public record RgbImage(int width, int height, int[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0 || pixels.length < width * height) {
            throw new IllegalArgumentException(
                    "bad RGB image " + width + "x" + height + " with " + pixels.length + " pixels");
        }
    }

    /** Wraps a plain TYPE_INT_RGB image without copying, otherwise converts with one bulk read. */
    public static RgbImage of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        WritableRaster raster = image.getRaster();
        if (image.getType() == BufferedImage.TYPE_INT_RGB
                && raster.getParent() == null
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel model
                && model.getScanlineStride() == width
                && raster.getDataBuffer().getOffset() == 0
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            int[] data = ((DataBufferInt) raster.getDataBuffer()).getData();
            return new RgbImage(width, height, data);
        }
        BufferedImage rgb = RgbConversion.toIntRgb(image);
        return new RgbImage(width, height, rgb.getRGB(0, 0, width, height, null, 0, width));
    }

    /** The pixel at (x, y) as 0xRRGGBB (the top byte, if any, is masked away). */
    public int rgb(int x, int y) {
        return pixels[y * width + x] & 0xFFFFFF;
    }

    /** A TYPE_INT_RGB copy (for previews and tests). */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < width * height; i++) {
            target[i] = pixels[i] & 0xFFFFFF;
        }
        return image;
    }
}
