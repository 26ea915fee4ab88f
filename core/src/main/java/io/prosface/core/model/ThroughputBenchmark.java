package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Measures how close the backbone's forward pass comes to the engine's own GEMM throughput: both numbers come from
 * the same engine, threads and machine, so their ratio says how much time goes outside large matrix products
 * (memory-bound element-wise ops, copies, small batched products, JNI overhead). Prints nothing; the caller decides.
 *
 * <p>Two views: wall clock (best of the rounds: what a user sees on a quiet machine) and work per CPU-second of the
 * whole process (Linux {@code /proc/self/stat}), which stays stable when other processes share the cores: run with
 * {@code OMP_WAIT_POLICY=PASSIVE} so that waiting threads do not burn CPU time.
 */
public final class ThroughputBenchmark {

    /**
     * @param gemmGflops best wall-clock GFLOP/s of a square float32 matrix product of side {@code gemmSize}
     * @param forwardGflops best wall-clock rate of the inference forward pass, in analytic FLOPs ({@link ModelFlops})
     * @param forwardMillis best wall time of one forward pass
     * @param gemmGflopsPerCpuSecond GEMM work per CPU-second of the process (NaN where unavailable)
     * @param forwardGflopsPerCpuSecond forward work per CPU-second of the process (NaN where unavailable)
     */
    public record Result(
            String architecture,
            int batch,
            int gemmSize,
            double gemmGflops,
            double forwardGflops,
            double forwardMillis,
            double gemmGflopsPerCpuSecond,
            double forwardGflopsPerCpuSecond) {

        /** Forward over GEMM, wall clock. */
        public double ratio() {
            return forwardGflops / gemmGflops;
        }

        /** Forward over GEMM, per CPU-second. */
        public double cpuRatio() {
            return forwardGflopsPerCpuSecond / gemmGflopsPerCpuSecond;
        }

        public double imagesPerSecond() {
            return batch / (forwardMillis / 1e3);
        }

        @Override
        public String toString() {
            return String.format(
                    "%s batch %d: wall: GEMM %d³ %.1f GFLOP/s, forward %.1f GFLOP/s (%.1f ms, %.0f img/s),"
                            + " ratio %.2f | per CPU-second: GEMM %.1f, forward %.1f GFLOP, ratio %.2f",
                    architecture,
                    batch,
                    gemmSize,
                    gemmGflops,
                    forwardGflops,
                    forwardMillis,
                    imagesPerSecond(),
                    ratio(),
                    gemmGflopsPerCpuSecond,
                    forwardGflopsPerCpuSecond,
                    cpuRatio());
        }
    }

    private ThroughputBenchmark() {}

    /**
     * Runs {@code rounds} alternating rounds of GEMM and forward timing (alternating so that load from other
     * processes hits both alike); each round does as many GEMMs as one forward has FLOPs. Round 0 is a warm-up.
     */
    public static Result run(VisionTransformerConfig config, int batch, int gemmSize, int rounds) {
        double gemmFlops = ModelFlops.matMul(gemmSize, gemmSize, gemmSize);
        double forwardFlops = ModelFlops.forward(config, batch);
        int gemmsPerRound = (int) Math.max(1, Math.round(forwardFlops / gemmFlops));
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
            long gemmCpu = 0;
            long forwardCpu = 0;
            for (int round = 0; round < rounds + 1; round++) {
                long cpuBefore = processCpuTicks();
                for (int repeat = 0; repeat < gemmsPerRound; repeat++) {
                    long gemm = time(manager, left, local -> local.matMul(right));
                    bestGemm = round > 0 ? Math.min(bestGemm, gemm) : bestGemm;
                }
                long cpuBetween = processCpuTicks();
                long forward = time(
                        manager,
                        images,
                        local -> model.forward(store, new NDList(local), false).head());
                long cpuAfter = processCpuTicks();
                if (round > 0) {
                    bestForward = Math.min(bestForward, forward);
                    gemmCpu += cpuBetween - cpuBefore;
                    forwardCpu += cpuAfter - cpuBetween;
                }
            }
            double ticksPerSecond = 100; // USER_HZ, 100 on every mainstream Linux
            boolean cpuKnown = processCpuTicks() >= 0 && gemmCpu > 0 && forwardCpu > 0;
            double gemmPerCpu =
                    cpuKnown ? gemmFlops * gemmsPerRound * rounds / (gemmCpu / ticksPerSecond) / 1e9 : Double.NaN;
            double forwardPerCpu = cpuKnown ? forwardFlops * rounds / (forwardCpu / ticksPerSecond) / 1e9 : Double.NaN;
            return new Result(
                    config.name(),
                    batch,
                    gemmSize,
                    gemmFlops / bestGemm,
                    forwardFlops / bestForward,
                    bestForward / 1e6,
                    gemmPerCpu,
                    forwardPerCpu);
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

    /** User + system CPU time of all threads of this process in clock ticks, or -1 off Linux. */
    private static long processCpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException unavailable) {
            return -1;
        }
    }
}
