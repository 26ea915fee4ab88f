package io.prosface.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * The eight EXIF orientations (TIFF tag 0x0112): how the stored pixels must be turned to be seen upright, as every
 * photo viewer does. A phone held in portrait stores a landscape sensor image with {@link #ROTATE_90}.
 */
public enum Orientation {
    /** 1: stored upright. */
    NORMAL(1),
    /** 2: mirrored left-right. */
    MIRROR_HORIZONTAL(2),
    /** 3: upside down. */
    ROTATE_180(3),
    /** 4: mirrored top-bottom. */
    MIRROR_VERTICAL(4),
    /** 5: mirrored across the main diagonal (upright (x, y) is stored (y, x)). */
    TRANSPOSE(5),
    /** 6: must be turned 90° clockwise to be upright. */
    ROTATE_90(6),
    /** 7: mirrored across the anti-diagonal. */
    TRANSVERSE(7),
    /** 8: must be turned 90° counter-clockwise (270° clockwise) to be upright. */
    ROTATE_270(8);

    private final int exifValue;

    Orientation(int exifValue) {
        this.exifValue = exifValue;
    }

    public int exifValue() {
        return exifValue;
    }

    /** The orientation with this EXIF value; anything outside 1..8 (a broken tag) counts as {@link #NORMAL}. */
    public static Orientation ofExif(int value) {
        return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
    }

    /** True when the upright image's width is the stored height (orientations 5 to 8). */
    public boolean swapsSides() {
        return exifValue >= 5;
    }

    /** The upright copy of a TYPE_INT_RGB image (the image itself for {@link #NORMAL}). */
    public BufferedImage upright(BufferedImage stored) {
        if (this == NORMAL) {
            return stored;
        }
        int storedWidth = stored.getWidth();
        int storedHeight = stored.getHeight();
        int width = swapsSides() ? storedHeight : storedWidth;
        int height = swapsSides() ? storedWidth : storedHeight;
        int[] source = ((DataBufferInt) stored.getRaster().getDataBuffer()).getData();
        BufferedImage upright = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) upright.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                target[y * width + x] = source[storedIndex(x, y, storedWidth, storedHeight)];
            }
        }
        return upright;
    }

    /** Index into the stored (W, H) pixels of the upright pixel (x, y). */
    private int storedIndex(int x, int y, int storedWidth, int storedHeight) {
        int lastX = storedWidth - 1;
        int lastY = storedHeight - 1;
        return switch (this) {
            case NORMAL -> y * storedWidth + x;
            case MIRROR_HORIZONTAL -> y * storedWidth + (lastX - x);
            case ROTATE_180 -> (lastY - y) * storedWidth + (lastX - x);
            case MIRROR_VERTICAL -> (lastY - y) * storedWidth + x;
            case TRANSPOSE -> x * storedWidth + y;
            case ROTATE_90 -> (lastY - x) * storedWidth + y;
            case TRANSVERSE -> (lastY - x) * storedWidth + (lastX - y);
            case ROTATE_270 -> x * storedWidth + (lastX - y);
        };
    }
}
