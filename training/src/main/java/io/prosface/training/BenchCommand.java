package io.prosface.training;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointException;
import io.prosface.core.model.ThroughputBenchmark;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.training.ServingForward.Precision;
import io.prosface.training.recipe.RecipeProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Backbone forward throughput and FLOP utilisation against the engine's own GEMM rate, plus pretraining steps; or,
 * with --checkpoint / --precision, a checkpoint's serving work at several precisions side by side.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure backbone forward throughput (img/s) and model FLOP utilisation (MFU) against the",
            "measured float32 GEMM rate of the same engine and threads, for several batch sizes; then the",
            "pretraining step time of a recipe (multi-crop views, student + teacher, backward, AdamW, EMA).",
            "MFU = analytic forward FLOPs per second / best GEMM FLOPs per second.",
            "With --checkpoint DIR [--precision fp32,int8,bf16]: the served model's backbone + every head at each",
            "precision side by side in this process (interleaved rounds): faces per second and per CPU-second,",
            "the ratio to fp32, and the agreement with fp32 on --verify N development faces of --data",
            "(attribute decisions, expression top-1, landmark shift; issue 14's bar: >= 1.8x, 99%%, 98%%, 0.2%%)."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--architecture",
            defaultValue = "vit_tiny_patch8_64",
            description =
                    "Backbone variant for the forward benchmark. [vit_micro_patch8_32 .. vit_base_patch16_224] (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(
            names = "--batch-sizes",
            split = ",",
            description =
                    "Batch sizes to time. [1-64 on CPU, up to 1024 on a GPU] (default: 1,2,4,8,16,32,64; 8 with --checkpoint)")
    List<Integer> batchSizes;

    @Option(
            names = "--checkpoint",
            description =
                    "Bench this checkpoint's serving work (backbone + every head) per --precision instead, e.g. models/default.")
    Path checkpoint;

    @Option(
            names = "--precision",
            split = ",",
            description =
                    "Precisions side by side with --checkpoint: fp32 (DJL, the reference, always measured), int8 (ONNX Runtime backbone, as pros.inference.precision=int8), bf16 (DJL bfloat16 matrix products; not served). (default: fp32)")
    List<String> precisions;

    @Option(
            names = "--verify",
            defaultValue = "1000",
            description =
                    "With --checkpoint: development faces to compare every precision with fp32 on; 0 skips. (default: ${DEFAULT-VALUE})")
    int verifyFaces;

    @Option(
            names = "--data",
            defaultValue = "../shared/data",
            description =
                    "With --checkpoint: the shared real-face folder; its development split is used (training/scripts/dev-splits.sh). (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description =
                    "With --checkpoint: intra-op threads of every engine (DJL and ONNX Runtime), set on the benchmark's own worker thread as the server sets them on each inference worker; 0 = the server's default layout (cores / 2 workers: 1 on 2 cores). (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description =
                    "Timed rounds per batch size; the best is kept (robust to other load). [3-20] (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--gemm-size",
            defaultValue = "1024",
            description = "Side of the square GEMM that defines the peak. [512-4096] (default: ${DEFAULT-VALUE})")
    int gemmSize;

    @Option(
            names = "--forward",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Run the forward benchmark; --no-forward times only pretraining steps (MFU then needs the GEMM peak from a forward run). (default: on)")
    boolean forward;

    @Option(
            names = "--pretrain-steps",
            defaultValue = "5",
            description =
                    "Timed pretraining steps (after 2 warm-up steps); 0 skips. [3-20] (default: ${DEFAULT-VALUE})")
    int pretrainSteps;

    @Option(
            names = "--recipe",
            description = "Recipe for the pretraining step benchmark (default: built-in defaults with --architecture).")
    Path recipe;

    @Option(
            names = "--set",
            description = "Recipe override key=value for the step benchmark (repeatable), e.g. --set batch.size=32.")
    List<String> overrides = new ArrayList<>();

    @Spec
    CommandSpec spec;

    private double gemmPerCpuSecond = Double.NaN;

    @Override
    public Integer call() throws java.io.IOException, CheckpointException, OrtException {
        if (checkpoint != null || precisions != null) {
            return precisionTable();
        }
        if (batchSizes == null) {
            batchSizes = List.of(1, 2, 4, 8, 16, 32, 64);
        }
        double peak = 0;
        if (forward) {
            peak = forwardTable(VisionTransformerConfig.variant(architecture));
            System.out.println();
        }
        if (pretrainSteps > 0) {
            // a recipe brings its own architecture; without one the step benchmark uses --architecture
            RecipeProperties properties = recipe == null
                    ? RecipeProperties.load(null, List.of("architecture=" + architecture, "recipe.name=defaults"))
                    : RecipeProperties.load(recipe, List.of());
            properties = properties.with(overrides);
            StepBenchmark.run(properties, pretrainSteps, peak, gemmPerCpuSecond);
        }
        return 0;
    }

    /** The checkpoint's serving work per precision, side by side; the table of {@link PrecisionBenchmark}. */
    private int precisionTable() throws java.io.IOException, CheckpointException, OrtException {
        if (checkpoint == null) {
            throw new ParameterException(
                    spec.commandLine(), "--precision needs --checkpoint DIR (e.g. models/default)");
        }
        Set<Precision> chosen = new LinkedHashSet<>(List.of(Precision.FP32)); // the reference, always first
        for (String name : precisions == null ? List.of("fp32") : precisions) {
            try {
                chosen.add(Precision.parse(name));
            } catch (IllegalArgumentException unknown) {
                throw new ParameterException(spec.commandLine(), unknown.getMessage());
            }
        }
        List<Integer> batches = batchSizes == null ? List.of(8) : batchSizes;
        // the server's default: two workers on a CPU of 2+ cores, each with its share of the cores
        int cores = threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        String loadBefore = PrecisionBenchmark.loadAverage();
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint loaded = Checkpoint.load(checkpoint, manager);
            FacePreprocessor preprocessor =
                    new FacePreprocessor(loaded.config().preprocessing(), ImageDecoder.withDefaultLimits());
            int largest = batches.stream().mapToInt(Integer::intValue).max().orElse(8);
            List<float[]> faces = Files.isDirectory(data) || verifyFaces > 0
                    ? VerificationFaces.load(data, preprocessor, Math.max(verifyFaces, largest))
                    : syntheticFaces(preprocessor.imageSize(), largest);
            Map<Precision, ServingForward> forwards = new LinkedHashMap<>();
            try {
                for (Precision precision : chosen) {
                    forwards.put(precision, ServingForward.open(precision, loaded, manager, cores));
                }
                System.out.println("## Precision side by side: " + checkpoint + " ("
                        + loaded.config().architecture().name()
                        + ", " + preprocessor.imageSize() + " px, "
                        + loaded.config().heads().size() + " heads), "
                        + Runtime.getRuntime().availableProcessors() + " cores, " + cores
                        + " intra-op thread(s) per engine on one worker thread, best of " + rounds
                        + " interleaved rounds");
                System.out.println();
                PrecisionBenchmark benchmark =
                        new PrecisionBenchmark(loaded, manager, forwards, preprocessor.imageSize());
                List<PrecisionBenchmark.Row> rows = PrecisionBenchmark.onWorkerThread(
                        cores,
                        () -> benchmark.run(
                                batches, rounds, faces, faces.subList(0, Math.min(verifyFaces, faces.size()))));
                PrecisionBenchmark.print(loaded, rows, Math.min(verifyFaces, faces.size()), data);
            } finally {
                for (ServingForward forward : forwards.values()) {
                    forward.close();
                }
            }
        }
        System.out.println();
        System.out.println("Machine: 1-minute load average " + loadBefore + " at the start, "
                + PrecisionBenchmark.loadAverage() + " at the end (a shared machine lowers every figure; the ratios"
                + " are measured side by side).");
        return 0;
    }

    /** Random images when there is no data folder and no agreement is asked for (speed only). */
    private static List<float[]> syntheticFaces(int size, int count) {
        java.util.Random random = new java.util.Random(14);
        List<float[]> faces = new ArrayList<>();
        for (int face = 0; face < count; face++) {
            float[] pixels = new float[3 * size * size];
            for (int index = 0; index < pixels.length; index++) {
                pixels[index] = (float) random.nextGaussian();
            }
            faces.add(pixels);
        }
        return faces;
    }

    /** Prints the forward table; returns the GEMM peak in GFLOP/s. */
    private double forwardTable(VisionTransformerConfig config) {
        System.out.println("## Forward throughput: " + config.name() + " at " + config.imageSize() + " px, "
                + Runtime.getRuntime().availableProcessors() + " CPU threads");
        System.out.println();
        System.out.println("| batch | ms/batch | img/s | forward GFLOP/s | GEMM GFLOP/s | MFU (wall, vs peak) "
                + "| forward / GEMM per CPU-second |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        List<ThroughputBenchmark.Result> results = new ArrayList<>();
        for (int batch : batchSizes) {
            results.add(ThroughputBenchmark.run(config, batch, gemmSize, rounds));
        }
        // the peak is the best GEMM of the whole run; on a shared machine the per-CPU-second ratio is the stable one
        double peak = results.stream()
                .mapToDouble(ThroughputBenchmark.Result::gemmGflops)
                .max()
                .orElse(Double.NaN);
        gemmPerCpuSecond = results.stream()
                .mapToDouble(ThroughputBenchmark.Result::gemmGflopsPerCpuSecond)
                .filter(Double::isFinite)
                .max()
                .orElse(Double.NaN);
        for (ThroughputBenchmark.Result result : results) {
            System.out.println(String.format(
                    Locale.ROOT,
                    "| %d | %.1f | %.0f | %.1f | %.1f | %.0f%% | %.0f%% |",
                    result.batch(),
                    result.forwardMillis(),
                    result.imagesPerSecond(),
                    result.forwardGflops(),
                    result.gemmGflops(),
                    100 * result.forwardGflops() / peak,
                    100 * result.cpuRatio()));
        }
        System.out.println();
        ThroughputBenchmark.Result best = results.stream()
                .max((a, b) -> Double.compare(a.forwardGflops(), b.forwardGflops()))
                .orElseThrow();
        System.out.println(String.format(
                Locale.ROOT,
                "GEMM peak (best %d^3 float32 product): %.1f GFLOP/s; best forward %.1f GFLOP/s at batch %d = %.0f%% MFU",
                gemmSize,
                peak,
                best.forwardGflops(),
                best.batch(),
                100 * best.forwardGflops() / peak));
        return peak;
    }
}
