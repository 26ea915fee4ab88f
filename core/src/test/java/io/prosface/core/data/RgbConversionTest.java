package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-reading path for the readers' usual types must give exactly what the colour model's {@code getRGB} gives
 * (the slow path it replaces), also for a view into a larger image, and transparency still goes onto black.
 */
class RgbConversionTest {

    @Test
    void bgrPhotoBytesMatchGetRgbExactly() {
        BufferedImage bgr = random(BufferedImage.TYPE_3BYTE_BGR, 37, 23, 1);
        assertArrayEquals(viaGetRgb(bgr, false), pixels(RgbConversion.toIntRgb(bgr)));
    }

    @Test
    void aSubimageViewReadsItsOwnPixels() {
        BufferedImage whole = random(BufferedImage.TYPE_3BYTE_BGR, 50, 40, 2);
        BufferedImage view = whole.getSubimage(7, 5, 30, 21);
        int[] converted = pixels(RgbConversion.toIntRgb(view));
        assertArrayEquals(viaGetRgb(view, false), converted);
        assertEquals(whole.getRGB(7, 5) & 0xFFFFFF, converted[0]);
    }

    @Test
    void abgrWithAlphaIsCompositedOntoBlackAsBefore() {
        BufferedImage abgr = random(BufferedImage.TYPE_4BYTE_ABGR, 19, 31, 3);
        int[] expected = viaGetRgb(abgr, true);
        assertArrayEquals(expected, pixels(RgbConversion.toIntRgb(abgr)));
    }

    private static BufferedImage random(int type, int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    /** What the general path computes: getRGB, then alpha onto black (channel x alpha / 255, rounded down). */
    private static int[] viaGetRgb(BufferedImage image, boolean alpha) {
        int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        for (int i = 0; i < argb.length; i++) {
            int pixel = argb[i];
            if (!alpha) {
                argb[i] = pixel & 0xFFFFFF;
                continue;
            }
            int opacity = pixel >>> 24;
            int red = ((pixel >> 16) & 0xFF) * opacity / 255;
            int green = ((pixel >> 8) & 0xFF) * opacity / 255;
            int blue = (pixel & 0xFF) * opacity / 255;
            argb[i] = red << 16 | green << 8 | blue;
        }
        return argb;
    }

    private static int[] pixels(BufferedImage rgb) {
        assertEquals(BufferedImage.TYPE_INT_RGB, rgb.getType());
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData().clone();
    }
}
