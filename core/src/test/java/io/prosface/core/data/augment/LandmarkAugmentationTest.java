package io.prosface.core.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.FacePreprocessorTest;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.Resampler;
import io.prosface.core.data.RgbImage;
import io.prosface.core.data.TestImages;
import io.prosface.core.data.augment.LandmarkAugmentation.Parameters;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LandmarkAugmentationTest {

    /** mean 0, std 1: pixels stay on the 0..1 scale, which makes them easy to compare and to re-pack. */
    private static final Preprocessing UNIT = new Preprocessing(32, new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0.2f);

    private final LandmarkAugmentation augmentation =
            new LandmarkAugmentation(LandmarkAugmentationConfig.defaults(), UNIT, null);

    private static float[] randomPoints(long seed, float low, float high) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] points = new float[136];
        for (int i = 0; i < points.length; i++) {
            points[i] = (float) random.nextDouble(low, high);
        }
        return points;
    }

    private static RgbImage repack(float[] chw, int size) {
        int plane = size * size;
        int[] packed = new int[plane];
        for (int i = 0; i < plane; i++) {
            packed[i] = (Math.round(chw[i] * 255) << 16)
                    | (Math.round(chw[plane + i] * 255) << 8)
                    | Math.round(chw[2 * plane + i] * 255);
        }
        return new RgbImage(size, size, packed);
    }

    @Test
    void identityParametersReproduceTheServingCrop() {
        RgbImage image = RgbImage.of(TestImages.gradient(64, 64));
        CropTransform crop = new CropTransform(10, 5, 32, 32);
        float[] points = randomPoints(1, 10, 40);
        AugmentedFace face = augmentation.apply(image, points, crop, Parameters.identity());
        assertArrayEquals(crop.imageToInput(points), face.landmarks(), 1e-4f);
        float[] served = new FacePreprocessor(UNIT, ImageDecoder.withDefaultLimits()).toChw(image, crop);
        assertArrayEquals(served, face.pixels(), 1e-5f);
    }

    @Test
    void flippingTwiceRestoresPointsAndPixels() {
        RgbImage image = RgbImage.of(TestImages.gradient(32, 32));
        CropTransform whole = CropTransform.wholeImage(32, 32, 32);
        float[] points = randomPoints(2, 0, 32);
        Parameters flip = new Parameters(0, 1, 0, 0, true);
        AugmentedFace once = augmentation.apply(image, points, whole, flip);
        assertEquals(32 - points[2 * 36], once.landmarks()[2 * 45], 1e-4, "the right eye corner becomes the left one");
        AugmentedFace twice = augmentation.apply(repack(once.pixels(), 32), once.landmarks(), whole, flip);
        assertArrayEquals(points, twice.landmarks(), 1e-4f);
        float[] original = new float[3 * 32 * 32];
        Resampler.resizeRegion(image, 0, 0, 32, 32, 32, 32, original, 0);
        assertArrayEquals(original, twice.pixels(), 1e-6f);
    }

    @Test
    void rotatedShrunkAndFlippedDotStaysUnderItsLandmark() {
        assertDotFollowsLandmark(64); // shrinks by 0.73: takes the antialiased pre-shrink path
        assertDotFollowsLandmark(160); // enlarges: plain bilinear
    }

    private void assertDotFollowsLandmark(int size) {
        BufferedImage picture = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 59; y <= 61; y++) {
            for (int x = 39; x <= 41; x++) {
                picture.setRGB(x, y, 0xFFFFFF); // 3x3 dot centred on (40.5, 60.5)
            }
        }
        float[] points = randomPoints(3, 20, 100);
        points[2 * 36] = 40.5f;
        points[2 * 36 + 1] = 60.5f;
        Preprocessing preprocessing = new Preprocessing(size, new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0.1f);
        LandmarkAugmentation landmarks =
                new LandmarkAugmentation(LandmarkAugmentationConfig.defaults(), preprocessing, null);
        CropTransform crop = CropTransform.around(new FaceBox(20, 20, 80, 80), 0.1f, size);
        AugmentedFace face =
                landmarks.apply(RgbImage.of(picture), points, crop, new Parameters(30, 1.1, 0.05, -0.03, true));
        float[] dot = FacePreprocessorTest.brightCentroid(face.pixels(), size);
        // after the flip the point is named 45 (the other eye's outer corner)
        float expectedX = face.landmarks()[2 * 45];
        float expectedY = face.landmarks()[2 * 45 + 1];
        assertEquals(expectedX, dot[0], 1.0, "x at size " + size);
        assertEquals(expectedY, dot[1], 1.0, "y at size " + size);
        assertTrue(
                Math.abs(expectedX - crop.imageToInput(new float[] {40.5f, 60.5f})[0]) > 3,
                "the augmentation moved the point");
    }

    @Test
    void samplingIsDeterministicForASeed() {
        assertEquals(augmentation.sample(new SplittableRandom(42)), augmentation.sample(new SplittableRandom(42)));
        RgbImage image = RgbImage.of(TestImages.gradient(48, 40));
        CropTransform crop = CropTransform.wholeImage(48, 40, 32);
        float[] points = randomPoints(4, 0, 40);
        AugmentedFace first = augmentation.apply(image, points, crop, new SplittableRandom(9));
        AugmentedFace second = augmentation.apply(image, points, crop, new SplittableRandom(9));
        assertArrayEquals(first.pixels(), second.pixels());
        assertArrayEquals(first.landmarks(), second.landmarks());
        assertEquals(first.landmarks()[0] / 32, first.normalizedLandmarks()[0], 1e-6);
    }

    @Test
    void otherPointCountsAreNeverFlippedWithoutAPermutation() {
        RgbImage image = RgbImage.of(TestImages.gradient(32, 32));
        float[] fivePoints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        AugmentedFace face = augmentation.apply(
                image, fivePoints, CropTransform.wholeImage(32, 32, 32), new Parameters(0, 1, 0, 0, true));
        assertArrayEquals(fivePoints, face.landmarks(), 1e-5f);
    }
}
