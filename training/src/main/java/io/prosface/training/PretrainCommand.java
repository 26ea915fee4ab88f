package io.prosface.training;

import ai.djl.Device;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceDatasets;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.readers.ImageFolderReader;
import io.prosface.core.train.PretrainingRun;
import io.prosface.core.train.PretrainingSettings;
import io.prosface.core.train.PretrainingState;
import io.prosface.core.train.StepMetrics;
import io.prosface.training.recipe.PretrainRecipe;
import io.prosface.training.recipe.RecipeProperties;
import io.prosface.training.report.PretrainReporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ProS self-distillation pretraining from unlabeled image folders. */
@Command(
        name = "pretrain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "ProS pretraining: a student ViT and its EMA teacher see multi-crop views (2 global + N local)",
            "of unlabeled face images and the student learns to match the teacher's centred, sharpened",
            "distribution over K learnable prototypes. Writes <out>/checkpoint (the teacher, serving format),",
            "<out>/resume (for --resume), <out>/metrics.csv, <out>/plots/*.png and <out>/recipe.properties.",
            "Recipe keys, their defaults and recommended ranges: training/src/main/resources/io/prosface/",
            "training/recipe-defaults.properties (also printed by --show-recipe).",
            "Ctrl-C or SIGTERM ends the run after the step in progress, with a checkpoint and the state for --resume."
        })
public final class PretrainCommand implements Callable<Integer> {

    /** How long Ctrl-C / SIGTERM waits for the step in progress and the save (a CPU step of vit_tiny takes seconds). */
    static final Duration STOP_GRACE = Duration.ofMinutes(2);

    @Option(
            names = "--recipe",
            description = "Recipe file with deltas over the defaults, e.g. configs/synthetic-tiny.properties.")
    Path recipe;

    @Option(
            names = "--set",
            description = "Override one recipe key, key=value (repeatable), e.g. --set epochs=50 --set lr=0.0003.")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--data",
            description = "Image folder (searched recursively; repeatable), added to the recipe's data.folders. "
                    + "Synthetic (synth --out) or real faces; several at once are concatenated.")
    List<Path> data = new ArrayList<>();

    @Option(names = "--out", required = true, description = "Run directory (created).")
    Path out;

    @Option(
            names = "--resume",
            description = "Continue the run saved in <out>/resume (same recipe; --set may extend epochs). "
                    + "Starts from step 0 when nothing is saved yet, so scripts can always pass it.")
    boolean resume;

    @Option(names = "--no-progress", description = "Plain log lines instead of a progress bar (logs, CI).")
    boolean noProgress;

    @Option(
            names = "--stop-after",
            defaultValue = "0",
            description = "End cleanly after this many steps (as Ctrl-C does: checkpoint + resume state), whatever "
                    + "the recipe's schedule; 0 = run the whole schedule. (default: ${DEFAULT-VALUE})")
    long stopAfter;

    @Option(names = "--show-recipe", description = "Print the effective recipe (every key) and exit.")
    boolean showRecipe;

    @Override
    public Integer call() throws IOException {
        Path resumeDirectory = out.resolve(PretrainingRun.RESUME_DIRECTORY);
        boolean resuming = resume && PretrainingState.exists(resumeDirectory);
        RecipeProperties properties = effectiveRecipe(resumeDirectory, resuming);
        if (showRecipe) {
            properties.values().forEach((key, value) -> System.out.println(key + "=" + value));
            return 0;
        }
        PretrainingSettings settings = PretrainRecipe.settings(properties);
        FaceDataset dataset = dataset(properties);
        Device device = Devices.choose(properties.string("device"));
        System.out.println("pretrain: " + properties.string("recipe.name") + " ("
                + settings.architecture().name()
                + ", loss " + settings.loss().name().toLowerCase() + ", K "
                + settings.head().numPrototypes() + ") on "
                + dataset.size() + " images: " + dataset.describe());
        System.out.println(Devices.describe(device));
        if (resume && !resuming) {
            System.out.println("nothing saved in " + resumeDirectory + " yet: starting at step 0");
        }
        if (resuming) {
            System.out.println("resuming from " + resumeDirectory + " (student, teacher, step, seed restored; AdamW "
                    + "moments and the loss centre restart from zero and re-converge within a few steps)");
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("recipe.properties"), toProperties(properties.values()), StandardCharsets.UTF_8);
        Map<String, String> stored = new TreeMap<>(properties.deltas());
        stored.putIfAbsent("recipe.name", properties.string("recipe.name"));
        PretrainingRun run = new PretrainingRun(settings, dataset, device, out, stored);
        long start = System.nanoTime();
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopOnSignal = new Thread(() -> stopAndWait(run, finished), "pretrain-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            PretrainingRun.Result result;
            try (PretrainReporter reporter =
                    new PretrainReporter(out, properties.integer("log.every.steps"), !noProgress, System.out)) {
                PretrainingRun.Listener listener = stopAfter <= 0
                        ? reporter
                        : new PretrainingRun.Listener() {
                            @Override
                            public void started(long firstStep, long totalSteps, long stepsPerEpoch, String device) {
                                reporter.started(firstStep, totalSteps, stepsPerEpoch, device);
                            }

                            @Override
                            public void stepFinished(StepMetrics metrics, double imagesPerSecond) {
                                reporter.stepFinished(metrics, imagesPerSecond);
                                if (metrics.step() + 1 >= stopAfter) {
                                    run.requestStop();
                                }
                            }

                            @Override
                            public void checkpointWritten(Path checkpoint, long nextStep) {
                                reporter.checkpointWritten(checkpoint, nextStep);
                            }
                        };
                result = run.run(resuming, listener);
                reporter.writePlots();
            }
            double minutes = (System.nanoTime() - start) / 60e9;
            System.out.printf(
                    java.util.Locale.ROOT,
                    "%s: %d steps, final loss %.4f, %.1f min; checkpoint %s%n",
                    result.stopped() ? "stopped" : "done",
                    result.steps(),
                    result.last() == null ? Double.NaN : result.last().loss(),
                    minutes,
                    result.checkpoint());
            if (result.stopped()) {
                System.out.println("continue with the same command and --resume (the state of step " + result.steps()
                        + " is in " + resumeDirectory + ")");
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException shuttingDown) {
                // a signal arrived: the hook has now seen the run finish
            }
        }
        return 0;
    }

    /**
     * Ctrl-C or SIGTERM: end after the step in progress with a checkpoint and resume state, instead of dying inside
     * libtorch (the JVM's exit would unload it under the running step). Waits at most {@link #STOP_GRACE}.
     */
    private static void stopAndWait(PretrainingRun run, CountDownLatch finished) {
        run.requestStop();
        System.err.println("stop requested: finishing the current step and saving a resumable checkpoint...");
        try {
            if (!finished.await(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("the step did not end within " + STOP_GRACE.toSeconds() + " s; exiting without "
                        + "saving (the last periodic checkpoint is intact)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fresh runs: defaults + recipe + --set. Resumed runs: the saved deltas + --set (a --recipe must agree). */
    private RecipeProperties effectiveRecipe(Path resumeDirectory, boolean resuming) throws IOException {
        RecipeProperties requested = RecipeProperties.load(recipe, overrides);
        if (recipe != null && requested.deltas().get("recipe.name") == null) {
            String name = recipe.getFileName().toString().replaceFirst("\\.properties$", "");
            requested = requested.with(List.of("recipe.name=" + name));
        }
        if (!resuming) {
            return requested;
        }
        Map<String, String> saved =
                PretrainingState.readPosition(resumeDirectory).recipe();
        RecipeProperties restored = RecipeProperties.fromStored(saved, overrides);
        if (recipe != null) {
            Set<String> keys = new LinkedHashSet<>(requested.values().keySet());
            for (String key : keys) {
                String wanted = requested.values().get(key);
                String had = restored.values().get(key);
                if (!wanted.equals(had)) {
                    throw new IllegalArgumentException(
                            "--resume: recipe key '" + key + "' is " + had + " in the saved run but " + wanted
                                    + " now; resume with the same recipe (change values with --set)");
                }
            }
        }
        return restored;
    }

    private FaceDataset dataset(RecipeProperties properties) {
        List<Path> folders = new ArrayList<>();
        properties.list("data.folders").forEach(folder -> folders.add(Path.of(folder)));
        folders.addAll(data);
        if (folders.isEmpty()) {
            throw new IllegalArgumentException(
                    "no training images: pass --data FOLDER (or set data.folders in the recipe)");
        }
        ImageDecoder decoder = ImageDecoder.withDefaultLimits();
        List<FaceDataset> parts = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("data folder " + folder + " does not exist");
            }
            parts.add(ImageFolderReader.read(folder, decoder));
        }
        FaceDataset dataset = parts.size() == 1 ? parts.get(0) : FaceDatasets.concat(parts);
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("no images (jpg, png, bmp, webp) under " + folders);
        }
        return dataset;
    }

    private static String toProperties(Map<String, String> values) {
        StringBuilder text = new StringBuilder("# effective recipe of this run (every key; defaults included)\n");
        values.forEach(
                (key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }
}
