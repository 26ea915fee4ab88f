package io.prosface.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.readers.MultiTaskCorpus;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.train.MultiTaskFineTuning;
import io.prosface.core.train.MultiTaskLoss;
import io.prosface.core.train.MultiTaskValidation;
import io.prosface.training.report.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Multi-task fine-tuning of a whole backbone with the attribute, expression, landmark and age heads at once. */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fine-tune a backbone end to end with every task head at once (attributes, expression, 68",
            "landmarks, age) on every label of the development data: CelebA attributes, UTKFace age and gender",
            "(as Male), facial_expressions' human labels mixed with face-api.js's soft labels, iBUG hand points",
            "and dlib's teacher points (weighted below hand points). Missing labels are masked. Writes a serving",
            "checkpoint (backbone + heads) to <out>/checkpoint, metrics.csv and plots/; resumable with --resume;",
            "Ctrl-C or SIGTERM stops after the current step with a checkpoint."
        })
public final class FinetuneCommand implements Callable<Integer> {

    @Option(
            names = "--checkpoint",
            description = "Start from this checkpoint's backbone (a ProS run's checkpoint/); "
                    + "without it the backbone is randomly initialised (--architecture).")
    Path checkpoint;

    @Option(
            names = "--keep-heads",
            description = "With --checkpoint: start from its attributes, expression, landmarks "
                    + "and age heads too (a warm restart of a finished fine-tune: new schedule, same weights).")
    boolean keepHeads;

    @Option(
            names = "--architecture",
            defaultValue = "vit_tiny_patch8_64",
            description = "Backbone variant when no --checkpoint is given. (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(
            names = "--train",
            required = true,
            description = "Training folders root (training/scripts/dev-splits.sh's "
                    + "train/): any of celeba/, utkface/, facial_expressions/, lfpw/.")
    Path train;

    @Option(
            names = "--validation",
            description = "Held-apart folders root of the same layout (dev-splits.sh's dev/, "
                    + "lfpw/test as the iBUG folder), scored every --validate-every steps and at the end.")
    Path validation;

    @Option(
            names = "--teachers",
            required = true,
            description = "The original data root holding the teacher label "
                    + "files (landmarks_dlib.csv, expression_faceapi.csv per set), e.g. ../../shared/data.")
    Path teachers;

    @Option(names = "--out", required = true, description = "Run directory.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(
            names = "--epochs",
            defaultValue = "6",
            description = "Passes over the training faces. [3-30] (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "[32-128] (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--lr",
            defaultValue = "0.001",
            description = "Heads' peak AdamW rate. [3e-4-2e-3] (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(
            names = "--backbone-lr-scale",
            defaultValue = "0.5",
            description = "Backbone rate = --lr x this. [0.1-1] (default: ${DEFAULT-VALUE})")
    double backboneScale;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "(default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--warmup-steps", defaultValue = "200", description = "(default: ${DEFAULT-VALUE})")
    long warmupSteps;

    @Option(
            names = "--landmark-weight",
            defaultValue = "20",
            description = "λ of the point L1 (fractions of the input " + "side). [5-50] (default: ${DEFAULT-VALUE})")
    double landmarkWeight;

    @Option(
            names = "--age-weight",
            defaultValue = "1",
            description = "λ of the age L1 in decades. (default: ${DEFAULT-VALUE})")
    double ageWeight;

    @Option(
            names = "--gender-weight",
            defaultValue = "1",
            description = "Weight of the Male attribute's labels inside "
                    + "the attribute loss (UTKFace faces carry only that one). [1-8] (default: ${DEFAULT-VALUE})")
    double genderWeight;

    @Option(
            names = "--teacher-landmark-weight",
            defaultValue = "0.5",
            description = "dlib points' weight against 1 for hand points. [0-1] (default: ${DEFAULT-VALUE})")
    float teacherLandmarkWeight;

    @Option(
            names = "--max-validation",
            defaultValue = "1500",
            description = "Faces scored per validation. (default: ${DEFAULT-VALUE})")
    int maxValidation;

    @Option(names = "--validate-every", defaultValue = "500", description = "(default: ${DEFAULT-VALUE})")
    long validateEvery;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "(default: ${DEFAULT-VALUE})")
    long checkpointEvery;

    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--max-faces",
            defaultValue = "0",
            description = "Train on a seeded sample of this many faces "
                    + "(0: all; quick trials). (default: ${DEFAULT-VALUE})")
    int maxFaces;

    @Option(names = "--threads", defaultValue = "2", description = "Decoding threads. (default: ${DEFAULT-VALUE})")
    int threads;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        Device chosen = device.chooseAndLog();
        ImageDecoder decoder = ImageDecoder.withDefaultLimits();
        Path state = out.resolve("state.properties");
        Path checkpointDirectory = out.resolve("checkpoint");
        if (resume && !Files.isRegularFile(state)) {
            throw new IllegalArgumentException("--resume: no " + state + " (nothing to continue)");
        }
        if (keepHeads && (checkpoint == null || resume)) {
            throw new IllegalArgumentException("--keep-heads needs --checkpoint (and no --resume)");
        }
        if (!resume && Files.exists(checkpointDirectory)) {
            throw new IllegalArgumentException(checkpointDirectory + " exists: use --resume or another --out");
        }
        Files.createDirectories(out);
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        // Ctrl-C / SIGTERM: finish the step, save, and only then let the JVM exit (it would unload libtorch under the
        // running step otherwise); waits at most the pretraining command's grace period
        Thread hook = new Thread(
                () -> {
                    stop.set(true);
                    try {
                        finished.await(PretrainCommand.STOP_GRACE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "finetune-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (NDManager manager = NDManager.newBaseManager(chosen)) {
            Checkpoint start = resume ? Checkpoint.load(checkpointDirectory, manager) : initial(manager);
            Preprocessing preprocessing = start.config().preprocessing();
            List<String> attributeNames = FinetuneCorpus.attributeNames(teachers);
            MultiTaskCorpus.Settings corpusSettings = FinetuneCorpus.settings(teacherLandmarkWeight);
            MultiTaskCorpus corpus =
                    FinetuneCorpus.read(train, teachers, attributeNames, preprocessing, corpusSettings, decoder, false);
            System.out.print(corpus.describe());
            MultiTaskCorpus held = validation == null
                    ? null
                    : FinetuneCorpus.read(
                            validation, teachers, attributeNames, preprocessing, corpusSettings, decoder, true);
            FinetunePreview.write(corpus, preprocessing, seed, out.resolve("preview.png"));
            MultiTaskFineTuning.Heads heads = resume || keepHeads
                    ? FinetuneHeads.of(start)
                    : FinetuneHeads.create(start, attributeNames, manager);
            Checkpoint.attachGradients(start.backbone());
            heads.all().forEach(Checkpoint::attachGradients);
            long firstStep = resume ? FinetuneCheckpoint.nextStep(state) : 0;
            MultiTaskFineTuning.Settings settings = new MultiTaskFineTuning.Settings(
                    epochs,
                    batchSize,
                    learningRate,
                    backboneScale,
                    weightDecay,
                    warmupSteps,
                    seed,
                    threads,
                    maxFaces,
                    new MultiTaskLoss(
                            landmarkWeight,
                            ageWeight,
                            MultiTaskLoss.emphasizing(attributeNames, "Male", genderWeight)));
            long perEpoch =
                    MultiTaskFineTuning.stepsPerEpoch(settings.faces(corpus).size(), batchSize);
            System.out.printf(
                    Locale.ROOT, "steps %d..%d (%d per epoch) on %s%n", firstStep, perEpoch * epochs, perEpoch, chosen);
            String data = corpus.describe().replace('\n', ';');
            Checkpoint base = start;
            try (MetricsLog log = new MetricsLog(out.resolve("metrics.csv"), FinetuneReport.COLUMNS, firstStep)) {
                long next = MultiTaskFineTuning.run(
                        start.backbone(),
                        heads,
                        corpus,
                        settings,
                        firstStep,
                        checkpointEvery,
                        manager,
                        new MultiTaskFineTuning.Listener() {
                            @Override
                            public void stepFinished(
                                    long step,
                                    long total,
                                    int epoch,
                                    double lr,
                                    Map<String, Double> losses,
                                    double imagesPerSecond) {
                                Map<String, Double> row = new LinkedHashMap<>(losses);
                                row.put("step", (double) step);
                                row.put("epoch", (double) epoch);
                                row.put("lr", lr);
                                row.put("img_per_s", imagesPerSecond);
                                if (held != null && (step % validateEvery == 0 || step == total)) {
                                    MultiTaskValidation.evaluate(base.backbone(), heads, held, maxValidation, manager)
                                            .forEach((name, value) -> row.put("val_" + name, value));
                                }
                                FinetuneReport.COLUMNS.forEach(column -> row.putIfAbsent(column, Double.NaN));
                                log.append(row);
                                if (step % 10 == 0 || row.containsKey("val_landmarks_nme")) {
                                    System.out.printf(
                                            Locale.ROOT,
                                            "step %d/%d epoch %d lr %.2e %s %.1f img/s%n",
                                            step,
                                            total,
                                            epoch,
                                            lr,
                                            FinetuneReport.format(row),
                                            imagesPerSecond);
                                }
                            }

                            @Override
                            public boolean stopRequested() {
                                return stop.get();
                            }
                        },
                        step -> save(base, heads, data, step, checkpointDirectory, state));
                FinetuneReport.writePlots(out.resolve("plots"), log.series());
                System.out.println((stop.get() ? "stopped" : "finished") + " at step " + next + ": "
                        + checkpointDirectory + (stop.get() ? " (continue with --resume)" : ""));
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook already ran
            }
        }
        return 0;
    }

    private Checkpoint initial(NDManager manager) throws Exception {
        if (checkpoint != null) {
            Checkpoint loaded = Checkpoint.load(checkpoint, manager);
            if (keepHeads) {
                List<String> missing = FinetuneHeads.NAMES.stream()
                        .filter(name -> !loaded.heads().containsKey(name))
                        .toList();
                if (!missing.isEmpty()) {
                    throw new IllegalArgumentException("--keep-heads: " + checkpoint + " has no " + missing + " head");
                }
                return new Checkpoint(loaded.config().withProsHead(null), loaded.backbone(), null, loaded.heads());
            }
            return new Checkpoint(
                    loaded.config().withProsHead(null).withHeads(List.of()), loaded.backbone(), null, Map.of());
        }
        return Checkpoint.initialized(CheckpointConfig.of(VisionTransformerConfig.variant(architecture)), manager);
    }

    /** The finished stages a checkpoint's recipe records: its earlier ones, then its own finetune.* keys. */
    static String earlierStages(Map<String, String> recipe) {
        String own = String.format(
                Locale.ROOT,
                "%s epochs at lr %s, gender weight %s, %s steps",
                recipe.getOrDefault("finetune.epochs", "?"),
                recipe.getOrDefault("finetune.lr", "?"),
                recipe.getOrDefault("finetune.gender.weight", "1.0"),
                recipe.getOrDefault("finetune.steps.done", "?"));
        String earlier = recipe.get("finetune.earlier.stages");
        return earlier == null || earlier.isBlank() ? own : earlier + "; " + own;
    }

    /** Saves the checkpoint and resume state of {@code nextStep}, with this stage's recipe keys. */
    private void save(
            Checkpoint base,
            MultiTaskFineTuning.Heads heads,
            String data,
            long nextStep,
            Path checkpointDirectory,
            Path state) {
        Map<String, String> recipe = new LinkedHashMap<>(base.config().recipe());
        if (keepHeads) {
            // a warm restart: the stages before this one, oldest first, before this stage's keys replace theirs
            recipe.put("finetune.earlier.stages", earlierStages(base.config().recipe()));
        }
        recipe.put("finetune.epochs", Integer.toString(epochs));
        recipe.put("finetune.lr", Double.toString(learningRate));
        recipe.put("finetune.backbone.lr.scale", Double.toString(backboneScale));
        recipe.put("finetune.landmark.weight", Double.toString(landmarkWeight));
        recipe.put("finetune.teacher.landmark.weight", Float.toString(teacherLandmarkWeight));
        recipe.put("finetune.gender.weight", Double.toString(genderWeight));
        recipe.put("finetune.steps.done", Long.toString(nextStep));
        FinetuneCheckpoint.save(base, heads, recipe, data, nextStep, checkpointDirectory, state);
    }
}
