package io.prosface.core.data.augment;

/**
 * In-place operations on planar float images (CHW, 3 planes of width*height, values 0..1), the working form of the
 * augmentations. Each is one or two passes over flat arrays; the colour ones follow torchvision's definitions
 * (luma weights 0.299/0.587/0.114, contrast blends with the mean luma, saturation with the per-pixel luma).
 */
final class PixelOperations {

    private static final float RED_LUMA = 0.299f;
    private static final float GREEN_LUMA = 0.587f;
    private static final float BLUE_LUMA = 0.114f;

    private PixelOperations() {}

    static void flipHorizontally(float[] chw, int width, int height) {
        for (int row = 0; row < 3 * height; row++) {
            int start = row * width;
            for (int left = start, right = start + width - 1; left < right; left++, right--) {
                float swap = chw[left];
                chw[left] = chw[right];
                chw[right] = swap;
            }
        }
    }

    static void adjustBrightness(float[] chw, float factor) {
        for (int i = 0; i < chw.length; i++) {
            chw[i] = clamp(chw[i] * factor);
        }
    }

    static void adjustContrast(float[] chw, float factor) {
        int plane = chw.length / 3;
        double sum = 0;
        for (int i = 0; i < plane; i++) {
            sum += RED_LUMA * chw[i] + GREEN_LUMA * chw[plane + i] + BLUE_LUMA * chw[2 * plane + i];
        }
        float mean = (float) (sum / plane);
        for (int i = 0; i < chw.length; i++) {
            chw[i] = clamp(mean + factor * (chw[i] - mean));
        }
    }

    static void adjustSaturation(float[] chw, float factor) {
        int plane = chw.length / 3;
        for (int i = 0; i < plane; i++) {
            float luma = RED_LUMA * chw[i] + GREEN_LUMA * chw[plane + i] + BLUE_LUMA * chw[2 * plane + i];
            chw[i] = clamp(luma + factor * (chw[i] - luma));
            chw[plane + i] = clamp(luma + factor * (chw[plane + i] - luma));
            chw[2 * plane + i] = clamp(luma + factor * (chw[2 * plane + i] - luma));
        }
    }

    /** Rotates the hue by {@code shift} turns (torchvision's hue factor, in [-0.5, 0.5]) through HSV. */
    static void adjustHue(float[] chw, float shift) {
        int plane = chw.length / 3;
        for (int i = 0; i < plane; i++) {
            float red = chw[i];
            float green = chw[plane + i];
            float blue = chw[2 * plane + i];
            float max = Math.max(red, Math.max(green, blue));
            float min = Math.min(red, Math.min(green, blue));
            float chroma = max - min;
            if (chroma <= 0) {
                continue; // grey has no hue
            }
            float hue;
            if (max == red) {
                hue = (green - blue) / chroma;
            } else if (max == green) {
                hue = 2 + (blue - red) / chroma;
            } else {
                hue = 4 + (red - green) / chroma;
            }
            hue = hue / 6 + shift;
            hue -= (float) Math.floor(hue);
            // back to RGB with the same value (max) and chroma
            float sector = hue * 6;
            int index = Math.min(5, (int) sector);
            float fraction = sector - index;
            float rising = min + chroma * fraction;
            float falling = max - chroma * fraction;
            switch (index) {
                case 0 -> set(chw, plane, i, max, rising, min);
                case 1 -> set(chw, plane, i, falling, max, min);
                case 2 -> set(chw, plane, i, min, max, rising);
                case 3 -> set(chw, plane, i, min, falling, max);
                case 4 -> set(chw, plane, i, rising, min, max);
                default -> set(chw, plane, i, max, min, falling);
            }
        }
    }

    static void grayscale(float[] chw) {
        int plane = chw.length / 3;
        for (int i = 0; i < plane; i++) {
            float luma = RED_LUMA * chw[i] + GREEN_LUMA * chw[plane + i] + BLUE_LUMA * chw[2 * plane + i];
            chw[i] = luma;
            chw[plane + i] = luma;
            chw[2 * plane + i] = luma;
        }
    }

    /** Inverts every value at or above {@code threshold} (PIL's solarize; 0.5 = 128 of 255). */
    static void solarize(float[] chw, float threshold) {
        for (int i = 0; i < chw.length; i++) {
            if (chw[i] >= threshold) {
                chw[i] = 1 - chw[i];
            }
        }
    }

    /** Separable Gaussian blur with standard deviation sigma (pixels); edges repeat the border pixel. */
    static void gaussianBlur(float[] chw, int width, int height, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] kernel = new float[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            double weight = Math.exp(-(k * k) / (2 * sigma * sigma));
            kernel[k + radius] = (float) weight;
            total += weight;
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= (float) total;
        }
        float[] line = new float[Math.max(width, height)];
        int plane = width * height;
        for (int channel = 0; channel < 3; channel++) {
            int base = channel * plane;
            for (int y = 0; y < height; y++) {
                convolve(chw, base + y * width, 1, width, kernel, radius, line);
            }
            for (int x = 0; x < width; x++) {
                convolve(chw, base + x, width, height, kernel, radius, line);
            }
        }
    }

    /** Convolves {@code length} values spaced {@code step} apart, in place, via the scratch line. */
    private static void convolve(
            float[] data, int start, int step, int length, float[] kernel, int radius, float[] line) {
        for (int i = 0; i < length; i++) {
            line[i] = data[start + i * step];
        }
        for (int i = 0; i < length; i++) {
            float sum = 0;
            for (int k = -radius; k <= radius; k++) {
                int index = Math.min(length - 1, Math.max(0, i + k));
                sum += kernel[k + radius] * line[index];
            }
            data[start + i * step] = sum;
        }
    }

    private static void set(float[] chw, int plane, int i, float red, float green, float blue) {
        chw[i] = red;
        chw[plane + i] = green;
        chw[2 * plane + i] = blue;
    }

    private static float clamp(float value) {
        return value < 0 ? 0 : Math.min(1, value);
    }
}
