package io.prosface.training.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Measures the engine's float32 matrix-multiply rate on the given device: the practical peak that model FLOP
 * utilisation (MFU) is quoted against. Square GEMMs of a few sizes; the best rate wins.
 */
public final class GemmPeak {

    /** The measured rate and the GEMM side that reached it. */
    public record Result(double flopsPerSecond, int bestSide) {}

    private GemmPeak() {}

    public static Result measure(Device device, double secondsPerSize) {
        double best = 0;
        int bestSide = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            for (int side : new int[] {256, 512, 1024}) {
                NDArray left = manager.randomUniform(-1f, 1f, new Shape(side, side), DataType.FLOAT32);
                NDArray right = manager.randomUniform(-1f, 1f, new Shape(side, side), DataType.FLOAT32);
                // warm-up: thread pools, allocator
                for (int i = 0; i < 3; i++) {
                    try (NDArray product = left.matMul(right)) {
                        product.toFloatArray();
                    }
                }
                long start = System.nanoTime();
                int iterations = 0;
                double elapsed;
                do {
                    try (NDArray product = left.matMul(right)) {
                        // reading one value forces completion on asynchronous devices
                        product.get(0, 0).getFloat();
                    }
                    iterations++;
                    elapsed = (System.nanoTime() - start) / 1e9;
                } while (elapsed < secondsPerSize);
                double rate = 2.0 * side * side * (double) side * iterations / elapsed;
                if (rate > best) {
                    best = rate;
                    bestSide = side;
                }
                left.close();
                right.close();
            }
        }
        return new Result(best, bestSide);
    }
}
