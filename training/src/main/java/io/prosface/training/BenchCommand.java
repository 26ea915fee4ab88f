package io.prosface.training;

import io.prosface.core.model.ThroughputBenchmark;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.training.recipe.RecipeProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Backbone forward throughput and FLOP utilisation against the engine's own GEMM rate, plus pretraining steps. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure backbone forward throughput (img/s) and model FLOP utilisation (MFU) against the",
                "measured float32 GEMM rate of the same engine and threads, for several batch sizes; then the",
                "pretraining step time of a recipe (multi-crop views, student + teacher, backward, AdamW, EMA).",
                "MFU = analytic forward FLOPs per second / best GEMM FLOPs per second."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--architecture", defaultValue = "vit_tiny_patch8_64",
            description = "Backbone variant for the forward benchmark. [vit_micro_patch8_32 .. vit_base_patch16_224] (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,2,4,8,16,32,64",
            description = "Batch sizes to time. [1-64 on CPU, up to 1024 on a GPU] (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(names = "--rounds", defaultValue = "5",
            description = "Timed rounds per batch size; the best is kept (robust to other load). [3-20] (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--gemm-size", defaultValue = "1024",
            description = "Side of the square GEMM that defines the peak. [512-4096] (default: ${DEFAULT-VALUE})")
    int gemmSize;

    @Option(names = "--forward", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the forward benchmark; --no-forward times only pretraining steps (MFU then needs the GEMM peak from a forward run). (default: on)")
    boolean forward;

    @Option(names = "--pretrain-steps", defaultValue = "5",
            description = "Timed pretraining steps (after 2 warm-up steps); 0 skips. [3-20] (default: ${DEFAULT-VALUE})")
    int pretrainSteps;

    @Option(names = "--recipe", description = "Recipe for the pretraining step benchmark (default: built-in defaults with --architecture).")
    Path recipe;

    @Option(names = "--set", description = "Recipe override key=value for the step benchmark (repeatable), e.g. --set batch.size=32.")
    List<String> overrides = new ArrayList<>();

    private double gemmPerCpuSecond = Double.NaN;

    @Override
    public Integer call() throws java.io.IOException {
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
        double peak = results.stream().mapToDouble(ThroughputBenchmark.Result::gemmGflops).max().orElse(Double.NaN);
        gemmPerCpuSecond = results.stream().mapToDouble(ThroughputBenchmark.Result::gemmGflopsPerCpuSecond)
                .filter(Double::isFinite).max().orElse(Double.NaN);
        for (ThroughputBenchmark.Result result : results) {
            System.out.println(String.format(Locale.ROOT, "| %d | %.1f | %.0f | %.1f | %.1f | %.0f%% | %.0f%% |",
                    result.batch(), result.forwardMillis(), result.imagesPerSecond(), result.forwardGflops(),
                    result.gemmGflops(), 100 * result.forwardGflops() / peak, 100 * result.cpuRatio()));
        }
        System.out.println();
        ThroughputBenchmark.Result best = results.stream()
                .max((a, b) -> Double.compare(a.forwardGflops(), b.forwardGflops())).orElseThrow();
        System.out.println(String.format(Locale.ROOT,
                "GEMM peak (best %d^3 float32 product): %.1f GFLOP/s; best forward %.1f GFLOP/s at batch %d = %.0f%% MFU",
                gemmSize, peak, best.forwardGflops(), best.batch(), 100 * best.forwardGflops() / peak));
        return peak;
    }
}
