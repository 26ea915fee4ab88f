package io.prosface.training;

import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.readers.ImageFolderReader;
import io.prosface.core.model.ModelFlops;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.synthetic.SyntheticDatasetWriter;
import io.prosface.core.synthetic.SyntheticFaceGenerator;
import io.prosface.core.train.DirectorySwap;
import io.prosface.core.train.PretrainingRun;
import io.prosface.core.train.PretrainingSettings;
import io.prosface.core.train.StepMetrics;
import io.prosface.training.recipe.PretrainRecipe;
import io.prosface.training.recipe.RecipeProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times real pretraining steps of a recipe (loader, multi-crop views, teacher and student forward, backward, AdamW,
 * EMA) on a small synthetic set, and relates them to the GEMM peak: training FLOPs per step are taken as the
 * teacher's forward on the 2 global views plus 3 forwards' worth (forward + backward) of the student on all views.
 */
final class StepBenchmark {

    private StepBenchmark() {}

    /** Timing of one recipe. */
    record Timing(double millisPerStep, double imagesPerSecond, double trainGflops) {}

    static Timing run(RecipeProperties recipe, int steps, double peakGflops, double gemmPerCpuSecond)
            throws IOException {
        int warmup = 2;
        RecipeProperties timed = recipe.with(
                List.of("max.steps=" + (steps + warmup), "checkpoint.every.steps=0", "log.every.steps=1000000"));
        PretrainingSettings probe = PretrainRecipe.settings(timed);
        int images = 2 * probe.batchSize();
        // enough epochs over 2 steps per epoch to reach max.steps
        int epochs = Math.max(probe.epochs(), (steps + warmup + 1) / 2 + probe.warmupEpochs());
        PretrainingSettings settings = PretrainRecipe.settings(timed.with(List.of("epochs=" + epochs)));
        VisionTransformerConfig architecture = settings.architecture();
        Path temp = Files.createTempDirectory("pros-bench-");
        try {
            new SyntheticDatasetWriter(
                            new SyntheticFaceGenerator(Math.max(32, architecture.imageSize())),
                            SyntheticDatasetWriter.ImageFormat.JPG,
                            Runtime.getRuntime().availableProcessors())
                    .write(temp.resolve("faces"), 77, images);
            FaceDataset data = ImageFolderReader.read(temp.resolve("faces/images"), ImageDecoder.withDefaultLimits());
            List<Long> stepNanos = new ArrayList<>();
            PretrainingRun run = new PretrainingRun(
                    settings, data, Devices.choose(recipe.string("device")), temp.resolve("run"), recipe.deltas());
            long[] last = {0};
            long[] cpu = {0, 0};
            run.run(false, new PretrainingRun.Listener() {
                @Override
                public void started(long firstStep, long totalSteps, long stepsPerEpoch, String device) {
                    last[0] = System.nanoTime();
                }

                @Override
                public void stepFinished(StepMetrics metrics, double imagesPerSecond) {
                    long now = System.nanoTime();
                    if (metrics.step() >= warmup) {
                        stepNanos.add(now - last[0]);
                    }
                    if (metrics.step() == warmup - 1) {
                        cpu[0] = processCpuTicks();
                    } else if (metrics.step() == warmup + steps - 1) {
                        cpu[1] = processCpuTicks();
                    }
                    last[0] = now;
                }
            });
            double millis = stepNanos.stream()
                            .mapToLong(Long::longValue)
                            .sorted()
                            .skip(stepNanos.size() / 2)
                            .findFirst()
                            .orElseThrow()
                    / 1e6;
            int batch = settings.batchSize();
            int locals = settings.views().localCropCount();
            double flops = ModelFlops.forward(architecture, 2 * batch)
                    + 3
                            * (ModelFlops.forward(architecture, 2 * batch)
                                    + ModelFlops.forward(
                                            architecture,
                                            locals * batch,
                                            settings.views().localSize()));
            Timing timing = new Timing(millis, batch / (millis / 1000), flops / (millis / 1000) / 1e9);
            double cpuSeconds = (cpu[1] - cpu[0]) / 100.0; // USER_HZ ticks
            double perCpuSecond = cpu[0] > 0 && cpuSeconds > 0 ? flops * steps / cpuSeconds / 1e9 : Double.NaN;
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.println(
                    "## Pretraining step: " + recipe.string("recipe.name") + " (" + architecture.name() + ", batch "
                            + batch + ", 2x" + architecture.imageSize() + " px + " + locals + "x"
                            + settings.views().localSize()
                            + " px views, K " + settings.head().numPrototypes() + ")");
            System.out.println();
            System.out.println("| ms/step (median of " + stepNanos.size() + ") | img/s | GFLOP/step | train GFLOP/s "
                    + "| MFU (wall) | train GFLOP per CPU-s | MFU per CPU-s | img/s if all " + cores
                    + " cores were ours |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            double idleImagesPerSecond = perCpuSecond * cores / (flops / 1e9) * batch;
            System.out.println(String.format(
                    Locale.ROOT,
                    "| %.0f | %.1f | %.0f | %.1f | %s | %.1f | %s | %.1f |",
                    timing.millisPerStep(),
                    timing.imagesPerSecond(),
                    flops / 1e9,
                    timing.trainGflops(),
                    peakGflops > 0
                            ? String.format(Locale.ROOT, "%.0f%%", 100 * timing.trainGflops() / peakGflops)
                            : "n/a",
                    perCpuSecond,
                    Double.isFinite(gemmPerCpuSecond)
                            ? String.format(Locale.ROOT, "%.0f%%", 100 * perCpuSecond / gemmPerCpuSecond)
                            : "n/a",
                    idleImagesPerSecond));
            return timing;
        } finally {
            DirectorySwap.deleteRecursively(temp);
        }
    }

    /** User + system CPU time of this process in clock ticks (Linux), or 0 where unavailable. */
    private static long processCpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException unavailable) {
            return 0;
        }
    }
}
