package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

public class FacePreprocessorTest {

    private static final Preprocessing PLAIN =
            new Preprocessing(16, new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0.25f);

    private static BufferedImage filled(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(color);
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        return image;
    }

    private static float value(float[] chw, int size, int channel, int x, int y) {
        return chw[channel * size * size + y * size + x];
    }

    @Test
    void normalisesWithMeanAndStd() {
        FacePreprocessor preprocessor =
                new FacePreprocessor(Preprocessing.imagenet(8), ImageDecoder.withDefaultLimits());
        float[] chw =
                preprocessor.prepare(filled(8, 8, new Color(255, 0, 51)), null).pixels();
        assertEquals((1f - 0.485f) / 0.229f, value(chw, 8, 0, 3, 3), 1e-5);
        assertEquals((0f - 0.456f) / 0.224f, value(chw, 8, 1, 0, 7), 1e-5);
        assertEquals((0.2f - 0.406f) / 0.225f, value(chw, 8, 2, 7, 0), 1e-5);
    }

    @Test
    void sameSizeWholeImageIsAnExactCopy() {
        BufferedImage image = TestImages.gradient(16, 16);
        float[] chw = new FacePreprocessor(PLAIN, ImageDecoder.withDefaultLimits())
                .prepare(image, null)
                .pixels();
        for (int y = 0; y < 16; y += 5) {
            for (int x = 0; x < 16; x += 3) {
                assertEquals(((image.getRGB(x, y) >> 16) & 0xFF) / 255f, value(chw, 16, 0, x, y), 1e-6);
                assertEquals(((image.getRGB(x, y) >> 8) & 0xFF) / 255f, value(chw, 16, 1, x, y), 1e-6);
            }
        }
    }

    @Test
    void wideImageIsLetterboxedWithBlackBarsAndNoDarkenedEdges() {
        float[] chw = new FacePreprocessor(PLAIN, ImageDecoder.withDefaultLimits())
                .prepare(filled(64, 32, Color.WHITE), null)
                .pixels();
        assertEquals(0f, value(chw, 16, 0, 8, 0), 1e-6, "top bar");
        assertEquals(0f, value(chw, 16, 1, 8, 15), 1e-6, "bottom bar");
        assertEquals(1f, value(chw, 16, 2, 8, 8), 1e-6, "content");
        assertEquals(1f, value(chw, 16, 0, 0, 8), 1e-6, "left edge of the image is not blended with the outside");
        assertEquals(1f, value(chw, 16, 0, 15, 8), 1e-6, "right edge");
    }

    @Test
    void downscalingAveragesInsteadOfAliasing() {
        // 1-pixel black/white stripes shrink to mid grey, not to a moire of black and white
        BufferedImage stripes = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 128; x += 2) {
            for (int y = 0; y < 128; y++) {
                stripes.setRGB(x, y, 0xFFFFFF);
            }
        }
        float[] chw = new FacePreprocessor(PLAIN, ImageDecoder.withDefaultLimits())
                .prepare(stripes, null)
                .pixels();
        for (int x = 1; x < 15; x++) {
            assertEquals(0.5f, value(chw, 16, 0, x, 7), 0.02f);
        }
    }

    @Test
    void faceBoxCropFollowsTheCropTransform() {
        // a bright 2x2 block at image pixels (150..151, 90..91): its centre (151, 91) must land where the
        // transform says, inside a crop around a box elsewhere in a large image
        BufferedImage image = filled(400, 300, Color.BLACK);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(150, 90, 2, 2);
        graphics.dispose();
        Preprocessing preprocessing = new Preprocessing(64, new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0.2f);
        FacePreprocessor preprocessor = new FacePreprocessor(preprocessing, ImageDecoder.withDefaultLimits());
        PreparedFace face = preprocessor.prepare(image, new FaceBox(120, 70, 60, 50));
        float[] expected = face.crop().imageToInput(new float[] {151, 91});
        float[] found = brightCentroid(face.pixels(), 64);
        assertEquals(expected[0], found[0], 0.3);
        assertEquals(expected[1], found[1], 0.3);
        float[] back = face.crop().normalizedToImage(new float[] {found[0] / 64, found[1] / 64});
        assertEquals(151, back[0], 0.5);
        assertEquals(91, back[1], 0.5);
    }

    @Test
    void boxOutsideTheImageIsRefusedAndTheCropPadsWithBlack() {
        FacePreprocessor preprocessor = new FacePreprocessor(PLAIN, ImageDecoder.withDefaultLimits());
        assertThrows(
                IllegalArgumentException.class,
                () -> preprocessor.prepare(filled(20, 20, Color.WHITE), new FaceBox(30, 0, 5, 5)));
        // a box in the corner: the margin reaches outside, which must be black
        float[] chw = preprocessor
                .prepare(filled(20, 20, Color.WHITE), new FaceBox(0, 0, 10, 10))
                .pixels();
        assertEquals(0f, value(chw, 16, 0, 0, 0), 1e-6);
        assertEquals(1f, value(chw, 16, 0, 12, 12), 1e-6);
    }

    @Test
    void cropTransformDirectionsAreInverse() {
        CropTransform crop = CropTransform.around(new FaceBox(10.5f, -4f, 80, 100), 0.2f, 112);
        float[] points = {0, 0, 33.25f, 71.5f, 200, -10};
        float[] normalised = crop.imageToNormalized(points);
        assertArrayEquals(points, crop.normalizedToImage(normalised), 1e-4f);
        assertArrayEquals(points, crop.inputToImage(crop.imageToInput(points)), 1e-4f);
        assertEquals(normalised[2] * 112, crop.imageToInput(points)[2], 1e-3);
        assertEquals(140.0, crop.side(), 1e-4, "longer side 100 plus 20% on each side");
    }

    @Test
    void batchesAreStackedAsBatchChannelsHeightWidth() {
        FacePreprocessor preprocessor = new FacePreprocessor(PLAIN, ImageDecoder.withDefaultLimits());
        float[] first = preprocessor.prepare(filled(16, 16, Color.RED), null).pixels();
        float[] second = preprocessor.prepare(filled(16, 16, Color.BLUE), null).pixels();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = preprocessor.batch(manager, List.of(first, second));
            assertEquals(new Shape(2, 3, 16, 16), batch.getShape());
            assertEquals(1f, batch.get("0, 0, 5, 5").getFloat());
            assertEquals(0f, batch.get("0, 2, 5, 5").getFloat());
            assertEquals(1f, batch.get("1, 2, 5, 5").getFloat());
            assertEquals(
                    new Shape(3, 16, 16), preprocessor.toNDArray(manager, first).getShape());
        }
    }

    /** Intensity-weighted centre of the red channel, in continuous input-pixel coordinates. */
    public static float[] brightCentroid(float[] chw, int size) {
        double sum = 0;
        double sumX = 0;
        double sumY = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double weight = Math.max(0, chw[y * size + x]);
                sum += weight;
                sumX += weight * (x + 0.5);
                sumY += weight * (y + 0.5);
            }
        }
        return new float[] {(float) (sumX / sum), (float) (sumY / sum)};
    }
}
