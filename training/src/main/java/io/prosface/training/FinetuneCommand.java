package io.prosface.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.prosface.core.data.Expression;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.augment.LandmarkAugmentationConfig;
import io.prosface.core.data.readers.CelebaReader;
import io.prosface.core.data.readers.MultiTaskCorpus;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.train.DirectorySwap;
import io.prosface.core.train.MultiTaskFineTuning;
import io.prosface.core.train.MultiTaskLoss;
import io.prosface.core.train.MultiTaskValidation;
import io.prosface.training.report.MetricsLog;
import io.prosface.training.report.TrainingPlots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
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

    private static final List<String> COLUMNS = List.of(
            "step",
            "epoch",
            "lr",
            "loss",
            "attributes",
            "expression",
            "landmarks",
            "age",
            "img_per_s",
            "val_attributes_accuracy",
            "val_gender_accuracy",
            "val_expression_accuracy",
            "val_landmarks_nme",
            "val_age_mae");

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
            List<String> attributeNames = CelebaReader.parse(
                            teachers.resolve("celeba").resolve(CelebaReader.ATTRIBUTE_FILE))
                    .names();
            MultiTaskCorpus.Settings corpusSettings = new MultiTaskCorpus.Settings(
                    teacherLandmarkWeight,
                    0.5f,
                    0.5,
                    0.15,
                    0.25,
                    0.25,
                    new LandmarkAugmentationConfig(15, 0.85, 1.15, 0.06, 0.5));
            MultiTaskCorpus corpus = corpus(train, attributeNames, preprocessing, corpusSettings, decoder, false);
            System.out.print(corpus.describe());
            MultiTaskCorpus held = validation == null
                    ? null
                    : corpus(validation, attributeNames, preprocessing, corpusSettings, decoder, true);
            writePreview(corpus, preprocessing, out.resolve("preview.png"));
            MultiTaskFineTuning.Heads heads =
                    resume || keepHeads ? headsOf(start) : newHeads(start, attributeNames, manager);
            Checkpoint.attachGradients(start.backbone());
            heads.all().forEach(Checkpoint::attachGradients);
            long firstStep = resume ? Long.parseLong(load(state).getProperty("next.step")) : 0;
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
            try (MetricsLog log = new MetricsLog(out.resolve("metrics.csv"), COLUMNS, firstStep)) {
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
                                COLUMNS.forEach(column -> row.putIfAbsent(column, Double.NaN));
                                log.append(row);
                                if (step % 10 == 0 || row.containsKey("val_landmarks_nme")) {
                                    System.out.printf(
                                            Locale.ROOT,
                                            "step %d/%d epoch %d lr %.2e %s %.1f img/s%n",
                                            step,
                                            total,
                                            epoch,
                                            lr,
                                            format(row),
                                            imagesPerSecond);
                                }
                            }

                            @Override
                            public boolean stopRequested() {
                                return stop.get();
                            }
                        },
                        step -> save(base, heads, attributeNames, data, step, checkpointDirectory, state));
                TrainingPlots.write(
                        out.resolve("plots"),
                        log.series(),
                        List.of(new TrainingPlots.Plot(
                                "loss.png",
                                "multi-task loss",
                                "loss",
                                List.of("loss", "attributes", "expression", "landmarks", "age"))));
                // validation runs every --validate-every steps: plot only those rows
                Map<String, double[]> validated = validatedRows(log.series());
                TrainingPlots.write(
                        out.resolve("plots"),
                        validated,
                        List.of(
                                new TrainingPlots.Plot(
                                        "validation.png",
                                        "validation (held-apart faces)",
                                        "metric",
                                        List.of(
                                                "val_attributes_accuracy",
                                                "val_gender_accuracy",
                                                "val_expression_accuracy",
                                                "val_landmarks_nme")),
                                new TrainingPlots.Plot(
                                        "age.png", "validation age MAE", "years", List.of("val_age_mae"))));
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
                List<String> missing = HEAD_NAMES.stream()
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

    private MultiTaskCorpus corpus(
            Path root,
            List<String> attributeNames,
            Preprocessing preprocessing,
            MultiTaskCorpus.Settings settings,
            ImageDecoder decoder,
            boolean held) {
        Map<MultiTaskCorpus.Source, Path> folders = new EnumMap<>(MultiTaskCorpus.Source.class);
        Map<MultiTaskCorpus.Source, Path> teacherFolders = new EnumMap<>(MultiTaskCorpus.Source.class);
        add(folders, MultiTaskCorpus.Source.CELEBA, root.resolve("celeba"));
        add(folders, MultiTaskCorpus.Source.UTKFACE, root.resolve("utkface"));
        add(folders, MultiTaskCorpus.Source.EXPRESSIONS, root.resolve("facial_expressions"));
        add(folders, MultiTaskCorpus.Source.IBUG, held ? root.resolve("lfpw/test") : root.resolve("lfpw"));
        teacherFolders.put(MultiTaskCorpus.Source.CELEBA, teachers.resolve("celeba"));
        teacherFolders.put(MultiTaskCorpus.Source.UTKFACE, teachers.resolve("utkface"));
        teacherFolders.put(MultiTaskCorpus.Source.EXPRESSIONS, teachers.resolve("facial_expressions"));
        teacherFolders.put(MultiTaskCorpus.Source.IBUG, teachers.resolve("lfpw"));
        return MultiTaskCorpus.read(folders, teacherFolders, attributeNames, preprocessing, settings, decoder);
    }

    private static void add(Map<MultiTaskCorpus.Source, Path> folders, MultiTaskCorpus.Source source, Path folder) {
        if (Files.isDirectory(folder)) {
            folders.put(source, folder);
        }
    }

    private static MultiTaskFineTuning.Heads newHeads(
            Checkpoint start, List<String> attributeNames, NDManager manager) {
        VisionTransformerConfig architecture = start.config().architecture();
        TaskHead attributes = TaskHead.create(HeadKind.ATTRIBUTES, attributeNames);
        TaskHead expression = TaskHead.create(HeadKind.EXPRESSION, Expression.labels());
        TaskHead landmarks = TaskHead.create(
                HeadKind.LANDMARKS,
                IntStream.range(0, IbugLandmarks.POINT_COUNT)
                        .mapToObj(Integer::toString)
                        .toList());
        TaskHead age = TaskHead.create(HeadKind.REGRESSION, List.of("age"));
        for (TaskHead head : List.of(attributes, expression, landmarks, age)) {
            head.initializeParameters(manager, architecture.embedDim(), architecture.numPatches());
        }
        // the age head starts at a typical adult age, so its first steps learn faces, not the offset
        for (Pair<String, Parameter> parameter : age.getParameters()) {
            if (parameter.getKey().endsWith("bias")) {
                NDArray bias = parameter.getValue().getArray();
                bias.set(java.nio.FloatBuffer.wrap(new float[] {AGE_START}));
            }
        }
        return new MultiTaskFineTuning.Heads(attributes, expression, landmarks, age);
    }

    /** The heads a fine-tuned checkpoint holds, in {@link MultiTaskFineTuning.Heads#all()} order. */
    private static final List<String> HEAD_NAMES = List.of("attributes", "expression", "landmarks", "age");

    /** UTKFace's mean age is about 33 years. */
    private static final float AGE_START = 33f;

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

    private static MultiTaskFineTuning.Heads headsOf(Checkpoint checkpoint) {
        Map<String, TaskHead> heads = checkpoint.heads();
        return new MultiTaskFineTuning.Heads(
                heads.get(HEAD_NAMES.get(0)),
                heads.get(HEAD_NAMES.get(1)),
                heads.get(HEAD_NAMES.get(2)),
                heads.get(HEAD_NAMES.get(3)));
    }

    private void save(
            Checkpoint base,
            MultiTaskFineTuning.Heads heads,
            List<String> attributeNames,
            String data,
            long nextStep,
            Path checkpointDirectory,
            Path state) {
        try {
            Map<String, String> recipe = new LinkedHashMap<>(base.config().recipe());
            if (keepHeads) {
                // a warm restart: the stages before this one, oldest first, before this stage's keys replace theirs
                recipe.put(
                        "finetune.earlier.stages", earlierStages(base.config().recipe()));
            }
            recipe.put("finetune.epochs", Integer.toString(epochs));
            recipe.put("finetune.lr", Double.toString(learningRate));
            recipe.put("finetune.backbone.lr.scale", Double.toString(backboneScale));
            recipe.put("finetune.landmark.weight", Double.toString(landmarkWeight));
            recipe.put("finetune.teacher.landmark.weight", Float.toString(teacherLandmarkWeight));
            recipe.put("finetune.gender.weight", Double.toString(genderWeight));
            recipe.put("finetune.steps.done", Long.toString(nextStep));
            List<HeadConfig> configs = new ArrayList<>();
            Map<String, TaskHead> blocks = new LinkedHashMap<>();
            for (int h = 0; h < HEAD_NAMES.size(); h++) {
                TaskHead head = heads.all().get(h);
                configs.add(new HeadConfig(HEAD_NAMES.get(h), 1, head.kind(), head.labelNames()));
                blocks.put(HEAD_NAMES.get(h), head);
            }
            CheckpointConfig config = base.config()
                    .withProsHead(null)
                    .withHeads(configs)
                    .withRecipe(recipe, "multi-task fine-tuning on " + data);
            DirectorySwap.saveCheckpoint(new Checkpoint(config, base.backbone(), null, blocks), checkpointDirectory);
            Properties properties = new Properties();
            properties.setProperty("next.step", Long.toString(nextStep));
            try (var writer = Files.newBufferedWriter(state, StandardCharsets.UTF_8)) {
                properties.store(writer, "finetune resume state");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not write the checkpoint " + checkpointDirectory, e);
        }
    }

    /** 24 augmented training faces as the model sees them, with their target points: look before training. */
    private void writePreview(MultiTaskCorpus corpus, Preprocessing preprocessing, Path file)
            throws java.io.IOException {
        io.prosface.core.data.FaceDataset faces = corpus.dataset();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<io.prosface.core.data.FaceSample> cells = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            io.prosface.core.data.readers.MultiTaskExample example =
                    corpus.example(faces.get(random.nextInt(faces.size())), random, true);
            int size = preprocessing.imageSize();
            java.awt.image.BufferedImage image =
                    new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_INT_RGB);
            float[] chw = example.pixels();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        float value = chw[c * size * size + y * size + x]
                                        * preprocessing.std()[c]
                                + preprocessing.mean()[c];
                        rgb = rgb << 8 | Math.max(0, Math.min(255, Math.round(value * 255)));
                    }
                    image.setRGB(x, y, rgb);
                }
            }
            float[] points = null;
            if (example.landmarkWeight() > 0) {
                points = example.landmarks().clone();
                for (int p = 0; p < points.length; p++) {
                    points[p] *= size;
                }
            }
            int top = 0;
            for (int c = 1; c < 7; c++) {
                top = example.expression()[c] > example.expression()[top] ? c : top;
            }
            Map<String, Boolean> attributes = new LinkedHashMap<>();
            for (int a = 0; a < corpus.attributeNames().size(); a++) {
                if (example.attributeMask()[a] > 0) {
                    attributes.put(corpus.attributeNames().get(a), example.attributes()[a] > 0.5f);
                }
            }
            cells.add(new io.prosface.core.data.FaceSample(
                    "preview" + i,
                    image,
                    new io.prosface.core.data.FaceLabels(
                            attributes,
                            example.expressionWeight() > 0 ? Expression.values()[top] : null,
                            points,
                            example.ageWeight() > 0 ? Math.round(example.age()) : null,
                            null,
                            null)));
        }
        io.prosface.core.data.ContactSheet.write(cells, 8, 128, file);
    }

    private static Properties load(Path file) throws java.io.IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    /** The rows of {@code series} that carry a validation score (the others are NaN there). */
    static Map<String, double[]> validatedRows(Map<String, double[]> series) {
        double[] marker = series.get("val_landmarks_nme");
        Map<String, double[]> kept = new LinkedHashMap<>();
        if (marker == null) {
            return kept;
        }
        int[] rows = IntStream.range(0, marker.length)
                .filter(i -> Double.isFinite(marker[i]))
                .toArray();
        series.forEach((column, values) ->
                kept.put(column, IntStream.of(rows).mapToDouble(i -> values[i]).toArray()));
        return kept;
    }

    private static String format(Map<String, Double> row) {
        StringBuilder text = new StringBuilder();
        row.forEach((name, value) -> {
            if (!List.of("step", "epoch", "lr", "img_per_s").contains(name) && !value.isNaN()) {
                text.append(String.format(Locale.ROOT, "%s %.4f ", name, value));
            }
        });
        return text.toString().trim();
    }
}
