package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;

/**
 * Measures how close the backbone's forward pass comes to the engine's own GEMM throughput: both numbers come from
 * the same engine, threads and machine, so their ratio says how much time goes outside large matrix products
 * (memory-bound element-wise ops, copies, small batched products, JNI overhead). Prints nothing; the caller decides.
 */
public final class ThroughputBenchmark {

    /**
     * @param gemmGflops best GFLOP/s of a square float32 matrix product of side {@code gemmSize}
     * @param forwardGflops best analytic-FLOP rate of the inference forward pass ({@link ModelFlops})
     * @param forwardMillis best wall time of one forward pass
     * @param imagesPerSecond batch / best forward time
     */
    public record Result(String architecture, int batch, int gemmSize, double gemmGflops, double forwardGflops,
            double forwardMillis, double imagesPerSecond) {

        public double ratio() {
            return forwardGflops / gemmGflops;
        }

        @Override
        public String toString() {
            return String.format("%s batch %d: GEMM %d³ %.1f GFLOP/s; forward %.1f GFLOP/s (%.1f ms, %.0f img/s); "
                    + "ratio %.2f", architecture, batch, gemmSize, gemmGflops, forwardGflops, forwardMillis,
                    imagesPerSecond, ratio());
        }
    }

    private ThroughputBenchmark() {
    }

    /**
     * Runs {@code rounds} alternating rounds of GEMM and forward timing (alternating so that load from other
     * processes hits both alike) and keeps the best time of each.
     */
    public static Result run(VisionTransformerConfig config, int batch, int gemmSize, int rounds) {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(config);
            model.initializeParameters(manager);
            // inference: no parameter records autograd history
            model.freezeParameters(true);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray left = manager.randomNormal(new Shape(gemmSize, gemmSize));
            NDArray right = manager.randomNormal(new Shape(gemmSize, gemmSize));
            NDArray images = manager.randomNormal(new Shape(batch, 3, config.imageSize(), config.imageSize()));
            long bestGemm = Long.MAX_VALUE;
            long bestForward = Long.MAX_VALUE;
            for (int round = 0; round < rounds + 1; round++) {
                long gemm = time(manager, left, local -> local.matMul(right));
                long forward = time(manager, images, local -> model.forward(store, new NDList(local), false).head());
                if (round > 0) { // round 0 warms up allocator and kernels
                    bestGemm = Math.min(bestGemm, gemm);
                    bestForward = Math.min(bestForward, forward);
                }
            }
            double gemmGflops = ModelFlops.matMul(gemmSize, gemmSize, gemmSize) / bestGemm;
            double forwardGflops = ModelFlops.forward(config, batch) / bestForward;
            return new Result(config.name(), batch, gemmSize, gemmGflops, forwardGflops, bestForward / 1e6,
                    batch / (bestForward / 1e9));
        }
    }

    /** Wall time of {@code work}; every array it creates belongs to a step manager closed right after. */
    private static long time(NDManager parent, NDArray operand, UnaryOperator<NDArray> work) {
        try (NDManager step = parent.newSubManager()) {
            NDArray local = Tensors.borrow(operand, step);
            long start = System.nanoTime();
            NDArray result = work.apply(local);
            // reading one value waits for asynchronous devices; on CPU the work is already done
            result.get(0).getFloat(new long[result.getShape().dimension() - 1]);
            return System.nanoTime() - start;
        }
    }
}
