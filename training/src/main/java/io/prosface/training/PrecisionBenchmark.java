package io.prosface.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtException;
import com.sun.management.OperatingSystemMXBean;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.IntraOpThreads;
import io.prosface.core.model.onnx.ExportAgreement;
import io.prosface.training.ServingForward.Precision;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The served model at several precisions side by side in one process: faces per second and per CPU-second of the
 * serving path's model work ({@link ServingForward}) at each batch size, in interleaved rounds (each round times
 * every precision, starting with a different one), so load from other processes hits all of them alike; and the
 * agreement with float32 on development faces in issue 14's terms. Float32 is always measured: it is the reference.
 */
final class PrecisionBenchmark {

    /** Issue 14's speed bar: faces per CPU-second against float32 at batch 8. */
    static final double SPEED_BAR = 1.8;

    private final Checkpoint checkpoint;
    private final NDManager manager;
    private final Map<Precision, ServingForward> forwards;
    private final int size;
    private final OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** @param forwards by precision, float32 first */
    PrecisionBenchmark(Checkpoint checkpoint, NDManager manager, Map<Precision, ServingForward> forwards, int size) {
        this.checkpoint = checkpoint;
        this.manager = manager;
        this.forwards = forwards;
        this.size = size;
    }

    /** One precision at one batch size. */
    record Row(
            int batch,
            Precision precision,
            double bestFacesPerSecond,
            double bestPerCpuSecond,
            double medianPerCpuSecond,
            double timesFp32,
            List<ExportAgreement.Line> agreement) {}

    /**
     * @param timingFaces faces the timed batches are cut from (repeated when fewer than a batch)
     * @param verifyFaces faces to compare with float32 on, in whole batches; empty skips the agreement
     */
    List<Row> run(List<Integer> batchSizes, int rounds, List<float[]> timingFaces, List<float[]> verifyFaces)
            throws OrtException {
        // timing first: the agreement pass leaves garbage behind whose collection would be counted as CPU time of
        // whichever precision runs then (measured: int8 1.70x after a 1,000-face agreement pass, 2.2x before it)
        List<Row> timed = new ArrayList<>();
        for (int batch : batchSizes) {
            System.gc();
            timed.addAll(time(batch, rounds, timingFaces));
        }
        List<Row> rows = new ArrayList<>();
        for (int batch : batchSizes) {
            Map<Precision, List<ExportAgreement.Line>> agreement = agreement(batch, verifyFaces);
            timed.stream()
                    .filter(row -> row.batch() == batch)
                    .forEach(row -> rows.add(new Row(
                            row.batch(),
                            row.precision(),
                            row.bestFacesPerSecond(),
                            row.bestPerCpuSecond(),
                            row.medianPerCpuSecond(),
                            row.timesFp32(),
                            agreement.get(row.precision()))));
        }
        return rows;
    }

    /** Rows without agreement. */
    private List<Row> time(int batch, int rounds, List<float[]> faces) throws OrtException {
        List<float[]> chosen = new ArrayList<>();
        for (int index = 0; index < batch; index++) {
            chosen.add(faces.get(index % faces.size()));
        }
        float[] images = ExportBenchmark.flatten(chosen, size);
        List<Precision> precisions = new ArrayList<>(forwards.keySet());
        int count = precisions.size();
        double[][] perCpu = new double[count][rounds];
        double[][] perWall = new double[count][rounds];
        int repetitions = Math.max(4, 128 / batch);
        for (int round = -1; round < rounds; round++) { // round -1 warms every precision up at this batch size
            for (int step = 0; step < count; step++) {
                int which = Math.floorMod(round + step, count);
                ServingForward forward = forwards.get(precisions.get(which));
                long cpu = system.getProcessCpuTime();
                long wall = System.nanoTime();
                for (int repetition = 0; repetition < repetitions; repetition++) {
                    try (NDManager batchManager = manager.newSubManager()) {
                        forward.outputs(batchManager.create(images, new Shape(batch, 3, size, size)));
                    }
                }
                if (round >= 0) {
                    double faceCount = (double) repetitions * batch;
                    perCpu[which][round] = faceCount * 1e9 / Math.max(1, system.getProcessCpuTime() - cpu);
                    perWall[which][round] = faceCount * 1e9 / Math.max(1, System.nanoTime() - wall);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int which = 0; which < count; which++) {
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = perCpu[which][round] / perCpu[0][round];
            }
            Precision precision = precisions.get(which);
            rows.add(new Row(
                    batch,
                    precision,
                    max(perWall[which]),
                    max(perCpu[which]),
                    median(perCpu[which]),
                    median(ratios),
                    null));
        }
        return rows;
    }

    /** Every precision's outputs against float32's on the same whole batches; null lines when there are no faces. */
    private Map<Precision, List<ExportAgreement.Line>> agreement(int batch, List<float[]> faces) throws OrtException {
        Map<Precision, List<ExportAgreement.Line>> lines = new LinkedHashMap<>();
        int count = faces.size() / batch * batch; // whole batches: int8 activations are scaled per batch
        if (count == 0) {
            return lines;
        }
        Map<Precision, Map<String, float[]>> outputs = new LinkedHashMap<>();
        for (int start = 0; start < count; start += batch) {
            float[] images = ExportBenchmark.flatten(faces.subList(start, start + batch), size);
            for (Map.Entry<Precision, ServingForward> forward : forwards.entrySet()) {
                try (NDManager batchManager = manager.newSubManager()) {
                    ExportAgreement.append(
                            outputs.computeIfAbsent(forward.getKey(), ignored -> new LinkedHashMap<>()),
                            forward.getValue().outputs(batchManager.create(images, new Shape(batch, 3, size, size))));
                }
            }
        }
        Map<String, float[]> reference = outputs.get(Precision.FP32);
        outputs.forEach((precision, values) ->
                lines.put(precision, ExportAgreement.compare(checkpoint.config(), reference, values, count)));
        return lines;
    }

    /** Prints the table, then every output's agreement line per precision. */
    static void print(Checkpoint checkpoint, List<Row> rows, int verified, Path data) {
        System.out.println("| batch | precision | faces/s (best) | faces per CPU-s (best / median) | × fp32 per CPU-s "
                + "| attr equal | expr top-1 equal | landmark shift %IOD | vs the bar |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---|");
        for (Row row : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %s | %.0f | %.0f / %.0f | %.2f× | %s | %s | %s | %s |%n",
                    row.batch(),
                    row.precision().label(),
                    row.bestFacesPerSecond(),
                    row.bestPerCpuSecond(),
                    row.medianPerCpuSecond(),
                    row.timesFp32(),
                    cell(checkpoint, row, HeadKind.ATTRIBUTES, value -> percent(value, 2)),
                    cell(checkpoint, row, HeadKind.EXPRESSION, value -> percent(value, 2)),
                    cell(checkpoint, row, HeadKind.LANDMARKS, value -> percent(value, 3)),
                    verdict(row));
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "× fp32: median over the rounds of each round's faces-per-CPU-second ratio. Bar"
                        + " (issue 14): ≥ %.1f× and, on the development faces, attribute decisions ≥ %.0f%% equal, expression"
                        + " top-1 ≥ %.0f%% equal, mean landmark shift ≤ %.1f%% of the inter-ocular distance.%n",
                SPEED_BAR,
                100 * ExportAgreement.DECISION_BAR,
                100 * ExportAgreement.TOP1_BAR,
                100 * ExportAgreement.LANDMARK_BAR);
        if (verified == 0) {
            System.out.println("No agreement measured (--verify 0).");
            return;
        }
        System.out.printf(Locale.ROOT, "%nAgreement with fp32 on %d development faces of %s:%n", verified, data);
        for (Row row : rows) {
            if (row.precision() != Precision.FP32 && row.agreement() != null) {
                System.out.println(row.precision().label() + ", batch " + row.batch() + ":");
                row.agreement().forEach(line -> System.out.println("  " + line));
            }
        }
    }

    private static String verdict(Row row) {
        if (row.precision() == Precision.FP32) {
            return "reference";
        }
        List<String> failures = new ArrayList<>();
        if (row.timesFp32() < SPEED_BAR) {
            failures.add(String.format(Locale.ROOT, "speed %.2f× < %.1f×", row.timesFp32(), SPEED_BAR));
        }
        if (row.agreement() != null && !ExportAgreement.allPass(row.agreement())) {
            failures.add("agreement");
        }
        String agreement = row.agreement() == null ? " (speed only: no --verify)" : "";
        return (failures.isEmpty() ? "pass" : "FAIL: " + String.join(", ", failures)) + agreement;
    }

    private static String cell(
            Checkpoint checkpoint, Row row, HeadKind kind, java.util.function.DoubleFunction<String> format) {
        if (row.precision() == Precision.FP32 || row.agreement() == null) {
            return "—";
        }
        for (HeadConfig head : checkpoint.config().heads()) {
            if (head.kind() == kind) {
                for (ExportAgreement.Line line : row.agreement()) {
                    if (line.output().equals(head.name())) {
                        return format.apply(line.value());
                    }
                }
            }
        }
        return "—";
    }

    private static String percent(double share, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * share);
    }

    /** Work whose timing should mean what a served batch costs. */
    interface Timed<T> {
        T call() throws OrtException;
    }

    /**
     * Runs the work on a thread of its own that first sets libtorch's intra-op threads, as each of the server's
     * inference workers does (DJL's thread count is a per-thread OpenMP setting; ONNX Runtime takes its own from
     * the session). The loading thread is avoided too: libtorch measured far slower on the thread that started
     * the engine (load-tests/README.md).
     */
    static <T> T onWorkerThread(int threads, Timed<T> work) throws OrtException {
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(
                runnable -> new Thread(runnable, "bench-worker"));
        try {
            return worker.submit(() -> {
                        IntraOpThreads.setForCurrentThread(threads);
                        return work.call();
                    })
                    .get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while benchmarking", interrupted);
        } catch (java.util.concurrent.ExecutionException failed) {
            if (failed.getCause() instanceof OrtException ort) {
                throw ort;
            }
            if (failed.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(failed.getCause());
        } finally {
            worker.shutdown();
        }
    }

    /** The 1-minute load average (Linux), or "n/a". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException unavailable) {
            return "n/a";
        }
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
