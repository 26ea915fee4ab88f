package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The separable resize against the filter's definition evaluated directly: output (x, y) of a channel is
 * Σ_i Σ_j rows(y, j) · columns(x, i) · pixel(i, j) / 255 over the same per-axis taps. The loops of
 * {@link Resampler#resizeRegion} are arranged for speed (rows unpacked once, vertical taps over whole rows); this pins
 * that they still compute exactly that, for regions inside, across and outside the image and for shrinking and
 * enlarging.
 */
class ResamplerTest {

    @Test
    void separablePassesEqualTheDirectTwoDimensionalFilter() {
        Random random = new Random(14);
        for (int trial = 0; trial < 300; trial++) {
            int width = 1 + random.nextInt(120);
            int height = 1 + random.nextInt(120);
            int[] pixels = new int[width * height];
            for (int index = 0; index < pixels.length; index++) {
                pixels[index] = random.nextInt(1 << 24);
            }
            RgbImage image = new RgbImage(width, height, pixels);
            double left = random.nextDouble() * width * 1.4 - 0.3 * width;
            double top = random.nextDouble() * height * 1.4 - 0.3 * height;
            double regionWidth = 1 + random.nextDouble() * width * 1.5;
            double regionHeight = 1 + random.nextDouble() * height * 1.5;
            int outWidth = 1 + random.nextInt(40);
            int outHeight = 1 + random.nextInt(40);
            float[] actual = new float[3 * outWidth * outHeight];
            Resampler.resizeRegion(image, left, top, regionWidth, regionHeight, outWidth, outHeight, actual, 0);

            Resampler.AxisWeights columns = Resampler.AxisWeights.of(left, regionWidth, outWidth, width);
            Resampler.AxisWeights rows = Resampler.AxisWeights.of(top, regionHeight, outHeight, height);
            int plane = outWidth * outHeight;
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    double[] expected = new double[3];
                    for (int j = 0; j < rows.count[y]; j++) {
                        for (int i = 0; i < columns.count[x]; i++) {
                            double weight =
                                    rows.weights[y * rows.maxTaps + j] * columns.weights[x * columns.maxTaps + i];
                            int pixel = pixels[(rows.start[y] + j) * width + columns.start[x] + i];
                            expected[0] += weight * ((pixel >> 16) & 0xFF);
                            expected[1] += weight * ((pixel >> 8) & 0xFF);
                            expected[2] += weight * (pixel & 0xFF);
                        }
                    }
                    for (int channel = 0; channel < 3; channel++) {
                        assertEquals(
                                expected[channel] / 255,
                                actual[channel * plane + y * outWidth + x],
                                2e-5,
                                "trial " + trial + ": " + width + "x" + height + " image, region (" + left + ", "
                                        + top + ") " + regionWidth + "x" + regionHeight + " -> " + outWidth + "x"
                                        + outHeight + ", output (" + x + ", " + y + ") channel " + channel);
                    }
                }
            }
        }
    }

    @Test
    void aUniformImageStaysUniformInsideAndDarkensByTheShareOfTheFootprintOutside() {
        int[] pixels = new int[50 * 40];
        java.util.Arrays.fill(pixels, (200 << 16) | (100 << 8) | 50);
        RgbImage image = new RgbImage(50, 40, pixels);
        float[] inside = new float[3 * 8 * 8];
        Resampler.resizeRegion(image, 5, 5, 30, 30, 8, 8, inside, 0);
        for (int index = 0; index < 64; index++) {
            assertEquals(200 / 255f, inside[index], 1e-5, "red at " + index);
            assertEquals(100 / 255f, inside[64 + index], 1e-5, "green at " + index);
            assertEquals(50 / 255f, inside[128 + index], 1e-5, "blue at " + index);
        }
        // a region whose left half lies left of the image: its left half of the outputs is black
        float[] across = new float[3 * 4 * 4];
        Resampler.resizeRegion(image, -20, 0, 40, 40, 4, 4, across, 0);
        for (int y = 0; y < 4; y++) {
            assertEquals(0f, across[y * 4], 1e-6, "output left of the image, row " + y);
            assertEquals(0f, across[y * 4 + 1], 1e-6, "output left of the image, row " + y);
            assertEquals(200 / 255f, across[y * 4 + 3], 1e-5, "output inside the image, row " + y);
        }
    }
}
