package io.prosface.detect;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** BufferedImage → 8-bit single-channel OpenCV matrix: the cascade works on luminance only. */
final class GrayscaleConversion {

    private GrayscaleConversion() {}

    /**
     * Luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as OpenCV's own RGB→gray), in fixed point: the weights
     * 77/256, 150/256, 29/256 sum to exactly 1. The caller releases the returned matrix.
     */
    static Mat toGray(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] gray = new byte[width * height];
        int[] row = new int[width];
        int[] pixels = packedPixels(image);
        for (int y = 0; y < height; y++) {
            int offset = y * width;
            if (pixels == null) {
                image.getRGB(0, y, width, 1, row, 0, width);
            } else {
                System.arraycopy(pixels, offset, row, 0, width);
            }
            for (int x = 0; x < width; x++) {
                int rgb = row[x];
                int luma = 77 * ((rgb >> 16) & 0xFF) + 150 * ((rgb >> 8) & 0xFF) + 29 * (rgb & 0xFF);
                gray[offset + x] = (byte) (luma >> 8);
            }
        }
        Mat mat = new Mat(height, width, CvType.CV_8UC1);
        mat.put(0, 0, gray);
        return mat;
    }

    /**
     * The backing array of a TYPE_INT_(A)RGB image that owns its whole raster (one int per pixel, rows back to back),
     * read directly instead of through getRGB's colour model; null otherwise (other types, sub-images).
     */
    private static int[] packedPixels(BufferedImage image) {
        boolean packedRgb =
                image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB;
        var raster = image.getRaster();
        if (!packedRgb
                || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0
                || raster.getDataBuffer().getSize() != image.getWidth() * image.getHeight()) {
            return null;
        }
        return ((DataBufferInt) raster.getDataBuffer()).getData();
    }
}
