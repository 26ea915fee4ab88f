package io.prosface.core.data;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/**
 * Prints single-threaded generation speed; never asserts it (machines differ, and this one is shared). Both wall
 * clock and this thread's CPU time are printed: on a busy machine the CPU-time rate is what one free core gives.
 */
class SyntheticFaceThroughputTest {

    @Test
    void printsImagesPerSecond() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int size : new int[] {128, 64}) {
            SyntheticFaceGenerator generator = new SyntheticFaceGenerator(size);
            for (int i = 0; i < 100; i++) {
                generator.render(-i);
            }
            int count = 250;
            long wallStart = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                generator.render(i);
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            System.out.printf("synthetic faces %d px, one thread: %.0f images/s wall clock, %.0f images per CPU"
                    + " second%n", size, count / wall, count / cpu);
        }
    }
}
