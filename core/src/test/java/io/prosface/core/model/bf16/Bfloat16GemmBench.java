package io.prosface.core.model.bf16;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Float32 vs bfloat16 matrix products side by side in one process, at the shapes of the served ViT's linear layers at
 * batch 8 (B·T = 8·65 = 520 tokens) and a square 1024³: GFLOP per CPU-second of this process, the ratio that survives
 * a shared machine. Run it like {@link Bfloat16Probe} (no arguments). Prints numbers, asserts nothing.
 */
public final class Bfloat16GemmBench {

    private Bfloat16GemmBench() {}

    public static void main(String[] args) {
        OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int[][] shapes = {{520, 192, 576}, {520, 192, 768}, {520, 768, 192}, {1024, 1024, 1024}};
        System.out.println("| M×K×N | fp32 GFLOP/CPU-s | bf16 GFLOP/CPU-s | bf16 / fp32 |");
        System.out.println("|---|---:|---:|---:|");
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16)) {
            for (int[] shape : shapes) {
                NDArray left = manager.randomNormal(new Shape(shape[0], shape[1]));
                NDArray right = manager.randomNormal(new Shape(shape[1], shape[2]));
                NDArray lowLeft = toBfloat16.apply(left);
                NDArray lowRight = toBfloat16.apply(right);
                double flops = 2.0 * shape[0] * shape[1] * shape[2];
                int repetitions = (int) Math.max(5, 2e10 / flops);
                double best32 = 0;
                double best16 = 0;
                for (int round = 0; round < 3; round++) { // alternate, keep the best of each: robust to other load
                    best32 = Math.max(best32, rate(system, left, right, repetitions, flops));
                    best16 = Math.max(best16, rate(system, lowLeft, lowRight, repetitions, flops));
                }
                System.out.println(String.format(
                        Locale.ROOT,
                        "| %d×%d×%d | %.0f | %.0f | %.1f× |",
                        shape[0],
                        shape[1],
                        shape[2],
                        best32,
                        best16,
                        best16 / best32));
            }
        }
    }

    private static double rate(
            OperatingSystemMXBean system, NDArray left, NDArray right, int repetitions, double flops) {
        left.matMul(right).close();
        long cpu = system.getProcessCpuTime();
        for (int i = 0; i < repetitions; i++) {
            left.matMul(right).close();
        }
        return flops * repetitions / (system.getProcessCpuTime() - cpu);
    }
}
