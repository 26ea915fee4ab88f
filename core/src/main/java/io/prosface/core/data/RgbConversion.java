package io.prosface.core.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/** Conversions of whatever a decoder produced into {@link BufferedImage#TYPE_INT_RGB}. */
final class RgbConversion {

    private RgbConversion() {}

    /**
     * Returns the image itself when it is already TYPE_INT_RGB, otherwise an INT_RGB copy: grey copies its sample
     * into R, G and B; colour models with their own colour space (CMYK JPEGs read by the JDK, 16-bit, indexed)
     * convert through {@code getRGB}; transparency is composited onto black (black is also the crop padding
     * colour).
     */
    static BufferedImage toIntRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        if (isGray(image)) {
            copyGray(image.getRaster(), target);
        } else if (copyInterleavedBytes(image, target)) {
            if (image.getColorModel().hasAlpha()) {
                compositeOntoBlack(target);
            }
        } else {
            // getRGB does the colour-model conversion (indexed, BGR, 16-bit, ...) into non-premultiplied sRGB ARGB
            image.getRGB(0, 0, width, height, target, 0, width);
            if (image.getColorModel().hasAlpha()) {
                compositeOntoBlack(target);
            } else {
                for (int i = 0; i < target.length; i++) {
                    target[i] &= 0xFFFFFF; // keep the unused top byte clear, as TYPE_INT_RGB images normally have it
                }
            }
        }
        return rgb;
    }

    /**
     * The JDK's JPEG and PNG readers give 8-bit sRGB photos as TYPE_3BYTE_BGR (TYPE_4BYTE_ABGR with alpha): their bytes
     * are read here directly, with the same result as {@code getRGB}, which converts pixel by pixel through the colour
     * model (a few milliseconds for a small photo, tens for a large one, on every request).
     *
     * @return false when the image is not of those two types with their standard layout (then nothing was written)
     */
    private static boolean copyInterleavedBytes(BufferedImage image, int[] target) {
        int type = image.getType();
        if (type != BufferedImage.TYPE_3BYTE_BGR && type != BufferedImage.TYPE_4BYTE_ABGR) {
            return false;
        }
        WritableRaster raster = image.getRaster();
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel layout)
                || layout.getNumBands() != (type == BufferedImage.TYPE_3BYTE_BGR ? 3 : 4)) {
            return false;
        }
        byte[] data = buffer.getData();
        // band order R, G, B (, A); their offsets inside a pixel are BGR (ABGR) for these types
        int[] bands = layout.getBandOffsets();
        int red = bands[0];
        int green = bands[1];
        int blue = bands[2];
        int alpha = bands.length > 3 ? bands[3] : -1;
        int pixelStride = layout.getPixelStride();
        int scanline = layout.getScanlineStride();
        int width = image.getWidth();
        int height = image.getHeight();
        // a raster may be a view into a larger buffer: its (0, 0) sits at these sample-model coordinates
        int originX = -raster.getSampleModelTranslateX();
        int originY = -raster.getSampleModelTranslateY();
        for (int y = 0; y < height; y++) {
            int at = buffer.getOffset() + (originY + y) * scanline + originX * pixelStride;
            int row = y * width;
            for (int x = 0; x < width; x++, at += pixelStride) {
                int opacity = alpha < 0 ? 0 : (data[at + alpha] & 0xFF) << 24;
                target[row + x] = opacity
                        | (data[at + red] & 0xFF) << 16
                        | (data[at + green] & 0xFF) << 8
                        | (data[at + blue] & 0xFF);
            }
        }
        return true;
    }

    private static boolean isGray(BufferedImage image) {
        int bands = image.getRaster().getNumBands();
        return image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2);
    }

    /** Raw grey samples, scaled to 8 bits; avoids the linear-grey gamma shift that getRGB would apply. */
    private static void copyGray(Raster raster, int[] target) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bits = raster.getSampleModel().getSampleSize(0);
        boolean alpha = raster.getNumBands() == 2;
        int maxValue = (1 << bits) - 1;
        int[] gray = new int[width];
        int[] opacity = alpha ? new int[width] : null;
        for (int y = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, gray);
            if (alpha) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 1, opacity);
            }
            for (int x = 0; x < width; x++) {
                int value = gray[x] * 255 / maxValue;
                if (alpha) {
                    value = value * (opacity[x] * 255 / maxValue) / 255;
                }
                target[y * width + x] = (value << 16) | (value << 8) | value;
            }
        }
    }

    private static void compositeOntoBlack(int[] argb) {
        for (int i = 0; i < argb.length; i++) {
            int pixel = argb[i];
            int alpha = pixel >>> 24;
            if (alpha == 255) {
                argb[i] = pixel & 0xFFFFFF;
                continue;
            }
            int red = ((pixel >> 16) & 0xFF) * alpha / 255;
            int green = ((pixel >> 8) & 0xFF) * alpha / 255;
            int blue = (pixel & 0xFF) * alpha / 255;
            argb[i] = (red << 16) | (green << 8) | blue;
        }
    }
}
