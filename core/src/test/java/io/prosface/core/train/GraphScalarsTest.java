package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gradient through a {@link GraphScalars} scalar stays right when the garbage collector runs and direct memory
 * is reused between forward and backward. (With {@code x.div(2f)} instead, DJL 0.36 returns garbage here: the
 * scalar's Java buffer is freed while autograd still needs it.)
 */
class GraphScalarsTest {

    @Test
    void scalarSurvivesGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(4));
            x.setRequiresGradient(true);
            for (int trial = 0; trial < 3; trial++) {
                zeroGradient(x);
                try (NDManager step = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    long directBefore = directBuffers().getCount();
                    NDArray y = x.div(GraphScalars.of(x, 2)).sum();
                    freeDirectBuffersAllocatedSince(directBefore);
                    churnDirectMemory();
                    collector.backward(y);
                }
                // d(sum(x / 2))/dx = 0.5 everywhere
                assertArrayEquals(
                        new float[] {0.5f, 0.5f, 0.5f, 0.5f}, x.getGradient().toFloatArray());
            }
        }
    }

    /**
     * Collects until every direct buffer the forward pass allocated has been freed: the JDK's direct-buffer pool
     * count is back to what it was before the forward pass. A bounded number of collections, each followed by a
     * short wait for the cleaner thread that frees the memory, checking that condition; not one gc() and a hopeful
     * sleep. (With {@link GraphScalars} the forward allocates none and this returns at once; with {@code x.div(2f)}
     * it is what makes sure the scalar's memory is really gone before the churn.)
     */
    private static void freeDirectBuffersAllocatedSince(long countBefore) throws InterruptedException {
        BufferPoolMXBean direct = directBuffers();
        for (int attempt = 0; attempt < 100 && direct.getCount() > countBefore; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(
                direct.getCount() <= countBefore,
                "direct buffers of the forward pass still allocated: " + direct.getCount() + " > " + countBefore);
    }

    private static BufferPoolMXBean directBuffers() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .findFirst()
                .orElseThrow();
    }

    /** Fill fresh direct buffers with NaN, likely at the addresses just freed. */
    private static void churnDirectMemory() {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            buffer.putFloat(0, Float.NaN);
            junk.add(buffer);
        }
    }

    private static void zeroGradient(NDArray array) {
        try (NDArray gradient = array.getGradient()) {
            gradient.set(new NDIndex("..."), 0f);
        }
    }
}
