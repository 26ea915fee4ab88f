package io.prosface.core.data;

import org.junit.jupiter.api.Test;

/** Prints single-threaded generation speed; never asserts it (machines differ, and this one is shared). */
class SyntheticFaceThroughputTest {

    @Test
    void printsImagesPerSecond() {
        for (int size : new int[] {128, 64}) {
            SyntheticFaceGenerator generator = new SyntheticFaceGenerator(size);
            for (int i = 0; i < 100; i++) {
                generator.render(-i);
            }
            int count = 400;
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                generator.render(i);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("synthetic faces %d px: %.0f images/s on one thread%n", size, count / seconds);
        }
    }
}
