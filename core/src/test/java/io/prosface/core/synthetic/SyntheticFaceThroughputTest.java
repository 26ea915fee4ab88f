package io.prosface.core.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.FaceSample;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Prints single-threaded generation speed; never asserts it (machines differ, and this one is shared). Both wall
 * clock and this thread's CPU time are printed: on a busy machine the CPU-time rate is what one free core gives.
 * What it does assert is that the timed work was the real work: every timed render is a distinct face of the
 * requested size with 68 finite landmarks inside the image (checked after the clock stops, so it costs no speed).
 */
class SyntheticFaceThroughputTest {

    @Test
    void printsImagesPerSecondOfDistinctWellFormedFaces() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int size : new int[] {128, 64}) {
            SyntheticFaceGenerator generator = new SyntheticFaceGenerator(size);
            for (int i = 0; i < 100; i++) {
                generator.render(-i);
            }
            int count = 250;
            List<FaceSample> rendered = new ArrayList<>(count);
            long wallStart = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                rendered.add(generator.render(i));
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf(
                    "synthetic faces %d px, one thread: %.0f images/s wall clock, %.0f images per CPU" + " second%n",
                    size, count / wall, count / cpu);
            assertWellFormedAndDistinct(rendered, size);
        }
    }

    private static void assertWellFormedAndDistinct(List<FaceSample> samples, int size) {
        Set<String> ids = new HashSet<>();
        Set<Integer> pixelHashes = new HashSet<>();
        for (FaceSample sample : samples) {
            BufferedImage image = sample.image();
            assertEquals(size, image.getWidth(), sample.id());
            assertEquals(size, image.getHeight(), sample.id());
            assertEquals(BufferedImage.TYPE_INT_RGB, image.getType(), sample.id());
            float[] points = sample.labels().landmarks();
            assertEquals(68 * 2, points.length, sample.id());
            for (int point = 0; point < 68; point++) {
                float x = points[2 * point];
                float y = points[2 * point + 1];
                assertTrue(
                        Float.isFinite(x) && Float.isFinite(y) && x >= 0 && y >= 0 && x < size && y < size,
                        sample.id() + ": point " + point + " at (" + x + ", " + y + ") outside " + size + " px");
            }
            ids.add(sample.id());
            pixelHashes.add(Arrays.hashCode(image.getRGB(0, 0, size, size, null, 0, size)));
        }
        assertEquals(samples.size(), ids.size(), "one id per seed");
        assertEquals(samples.size(), pixelHashes.size(), "every seed drew different pixels");
    }
}
