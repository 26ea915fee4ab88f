package io.prosface.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtException;
import com.sun.management.OperatingSystemMXBean;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.onnx.ReferenceOutputs;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DJL float32 and ONNX Runtime models side by side in one process on the same batch of faces: rounds alternate
 * between the engines and the best round of each is kept, so load from other processes hits all of them alike.
 * Faces per CPU-second counts this process's CPU time (every thread), the figure that survives a shared machine.
 */
final class ExportBenchmark {

    private final Checkpoint checkpoint;
    private final NDManager manager;
    private final float[] batch;
    private final int batchSize;
    private final int size;
    private final int rounds;
    private final OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    ExportBenchmark(Checkpoint checkpoint, NDManager manager, List<float[]> faces, int size, int rounds) {
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.batch = flatten(faces, size);
        this.batchSize = faces.size();
        this.size = size;
        this.rounds = rounds;
    }

    void run(Map<String, OnnxRuntimeModel> runtimes) throws OrtException {
        int engines = runtimes.size() + 1;
        double[] bestCpu = new double[engines];
        double[] bestWall = new double[engines];
        int repetitions = Math.max(3, 64 / batchSize);
        for (int round = -1; round < rounds; round++) { // round -1 warms every engine up
            int engine = 0;
            Measure djl = measure(repetitions, this::djlForward);
            keep(round, engine++, djl, bestCpu, bestWall);
            for (OnnxRuntimeModel runtime : runtimes.values()) {
                keep(
                        round,
                        engine++,
                        measure(repetitions, () -> runtime.run(batch, batchSize, size)),
                        bestCpu,
                        bestWall);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nThroughput at batch %d, %d CPU threads (best of %d rounds, %d batches each):%n",
                batchSize,
                Runtime.getRuntime().availableProcessors(),
                rounds,
                repetitions);
        System.out.println("| engine | faces per CPU-second | faces per second (wall) | vs DJL float32 (CPU) |");
        System.out.println("|---|---:|---:|---:|");
        List<String> names = new java.util.ArrayList<>(List.of("DJL float32"));
        names.addAll(runtimes.keySet());
        for (int engine = 0; engine < engines; engine++) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %.2f× |%n",
                    names.get(engine),
                    bestCpu[engine],
                    bestWall[engine],
                    bestCpu[engine] / bestCpu[0]);
        }
    }

    private void djlForward() {
        try (NDManager batchManager = manager.newSubManager()) {
            NDArray images = batchManager.create(batch, new Shape(batchSize, 3, size, size));
            ReferenceOutputs.of(checkpoint, images);
        }
    }

    private record Measure(double facesPerCpuSecond, double facesPerSecond) {}

    private interface Forward {
        void run() throws OrtException;
    }

    private Measure measure(int repetitions, Forward forward) throws OrtException {
        long cpu = system.getProcessCpuTime();
        long wall = System.nanoTime();
        for (int index = 0; index < repetitions; index++) {
            forward.run();
        }
        double faces = (double) repetitions * batchSize;
        return new Measure(faces * 1e9 / (system.getProcessCpuTime() - cpu), faces * 1e9 / (System.nanoTime() - wall));
    }

    private static void keep(int round, int engine, Measure measure, double[] bestCpu, double[] bestWall) {
        if (round >= 0) {
            bestCpu[engine] = Math.max(bestCpu[engine], measure.facesPerCpuSecond());
            bestWall[engine] = Math.max(bestWall[engine], measure.facesPerSecond());
        }
    }

    static float[] flatten(List<float[]> faces, int size) {
        int length = 3 * size * size;
        float[] batch = new float[faces.size() * length];
        for (int index = 0; index < faces.size(); index++) {
            System.arraycopy(faces.get(index), 0, batch, index * length, length);
        }
        return batch;
    }
}
