package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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
                    NDArray y = x.div(GraphScalars.of(x, 2)).sum();
                    churnDirectMemory();
                    collector.backward(y);
                }
                // d(sum(x / 2))/dx = 0.5 everywhere
                assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, x.getGradient().toFloatArray());
            }
        }
    }

    /** Let freed direct buffers be collected, then fill fresh ones with NaN, likely at the same addresses. */
    private static void churnDirectMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(20);
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
