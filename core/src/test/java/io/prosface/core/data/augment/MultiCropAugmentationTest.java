package io.prosface.core.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prosface.core.data.CropTransform;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.RgbImage;
import io.prosface.core.data.TestImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiCropAugmentationTest {

    private final MultiCropAugmentation augmentation =
            new MultiCropAugmentation(MultiCropConfig.dino(64, 32, 6), Preprocessing.imagenet(64));
    private final RgbImage source = RgbImage.of(TestImages.gradient(128, 128));

    @Test
    void producesTwoGlobalAndNLocalNormalisedViews() {
        MultiCropViews views = augmentation.apply(source, new SplittableRandom(1));
        assertEquals(2, views.globalViews().size());
        assertEquals(6, views.localViews().size());
        views.globalViews().forEach(view -> assertEquals(3 * 64 * 64, view.length));
        views.localViews().forEach(view -> assertEquals(3 * 32 * 32, view.length));
        for (float[] view : views.globalViews()) {
            for (float value : view) {
                assertTrue(
                        Float.isFinite(value) && value > -2.2f && value < 2.7f, "normalised ImageNet range: " + value);
            }
        }
    }

    @Test
    void sameSeedSameViewsOtherSeedOtherViews() {
        MultiCropViews first = augmentation.apply(source, new SplittableRandom(5));
        MultiCropViews again = augmentation.apply(source, new SplittableRandom(5));
        MultiCropViews other = augmentation.apply(source, new SplittableRandom(6));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(first.globalViews().get(i), again.globalViews().get(i));
        }
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(first.localViews().get(i), again.localViews().get(i));
        }
        assertFalse(
                Arrays.equals(first.globalViews().get(0), other.globalViews().get(0)));
    }

    @Test
    void withoutRandomnessAGlobalViewIsTheServingResize() {
        MultiCropConfig plain =
                new MultiCropConfig(64, 32, 0, 1, 1, 0.1, 0.2, 1, 1, 0, 0, 0.4, 0.4, 0.2, 0.1, 0, 0, 0, 0, 0.1, 2, 0);
        float[] view = new MultiCropAugmentation(plain, Preprocessing.imagenet(64))
                .apply(source, new SplittableRandom(0))
                .globalViews()
                .get(0);
        float[] served = new FacePreprocessor(Preprocessing.imagenet(64), ImageDecoder.withDefaultLimits())
                .toChw(source, CropTransform.wholeImage(128, 128, 64));
        assertArrayEquals(served, view, 1e-5f);
    }

    @Test
    void stacksViewsPerPositionIntoBatches() {
        List<MultiCropViews> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(augmentation.apply(source, new SplittableRandom(i)));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList views = MultiCropAugmentation.stack(manager, batch);
            assertEquals(8, views.size());
            assertEquals(new Shape(3, 3, 64, 64), views.get(0).getShape());
            assertEquals(new Shape(3, 3, 64, 64), views.get(1).getShape());
            assertEquals(new Shape(3, 3, 32, 32), views.get(7).getShape());
            assertEquals(
                    batch.get(2).localViews().get(5)[100], views.get(7).get("2").toFloatArray()[100], 1e-6);
        }
    }

    @Test
    void colourOperationsBehave() {
        float[] red = {1, 1, 0, 0, 0, 0}; // 2 pixels, planes R, G, B
        PixelOperations.adjustHue(red, 1f / 3);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, red, 1e-6f, "a third of a turn: red -> green");
        float[] colour = {0.9f, 0.1f, 0.2f, 0.6f, 0.3f, 0.3f};
        float[] copy = colour.clone();
        PixelOperations.adjustHue(copy, 0);
        assertArrayEquals(colour, copy, 1e-6f);
        PixelOperations.adjustSaturation(copy, 0);
        assertEquals(copy[0], copy[2], 1e-6);
        assertEquals(copy[2], copy[4], 1e-6);
        float[] constant = new float[3 * 8 * 8];
        Arrays.fill(constant, 0.25f);
        PixelOperations.gaussianBlur(constant, 8, 8, 1.5);
        for (float value : constant) {
            assertEquals(0.25f, value, 1e-6);
        }
        float[] bright = {0.2f, 0.7f, 0.5f};
        PixelOperations.solarize(bright, 0.5f);
        assertArrayEquals(new float[] {0.2f, 0.3f, 0.5f}, bright, 1e-6f);
    }

    /** Prints throughput only (a benchmark, never an assertion): 2 x 64-px + 6 x 32-px views of 128-px sources. */
    @Test
    void printsThroughputOnOneCore() {
        List<RgbImage> sources = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sources.add(RgbImage.of(TestImages.gradient(128, 128)));
        }
        SplittableRandom random = new SplittableRandom(0);
        for (int i = 0; i < 200; i++) {
            augmentation.apply(sources.get(i % 8), random);
        }
        // CPU time of this thread as well as wall time: the machine is shared, so wall time alone says little
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int images = 0;
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        while (System.nanoTime() - start < 1_000_000_000L) {
            augmentation.apply(sources.get(images % 8), random);
            images++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.printf(
                "MultiCropAugmentation (2x64px + 6x32px from 128px, 1 thread): %.0f images/s = %.0f views/s"
                        + " per CPU second; %.0f images/s wall%n",
                images / cpuSeconds, images * 8 / cpuSeconds, images / seconds);
    }
}
