package io.prosface.core.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/** Conversions of whatever a decoder produced into {@link BufferedImage#TYPE_INT_RGB}. */
final class RgbConversion {

    private RgbConversion() {
    }

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
