package io.prosface.server.finetune.jobs;

import io.prosface.server.finetune.upload.Example;
import io.prosface.server.finetune.upload.TaskSpec;
import io.prosface.server.finetune.upload.TrainingOptions;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.eval.HeadTrainer;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.train.GradientRecording;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Trains one few-shot head, with core's pieces: crops and augmentations from core.data, backbone outputs computed
 * ONCE per view and cached (core.eval's {@link io.prosface.core.eval.FeatureExtractor}), the training loop of
 * core.eval's {@link HeadTrainer} (AdamW, warm-up + cosine, the loss of the head's kind). Two modes
 * ({@link CachedJobModel}): unfrozen_blocks = 0 trains the head alone on the frozen backbone's features
 * ({@link FrozenFeatures}); k &gt; 0 caches the tokens of the frozen prefix and trains the head together with an own
 * copy of the last k blocks ({@link TailTokens}), which then travels with the head.
 *
 * <p>The work is cut into pieces so a job can be cancelled and yield the device to inference between them: feature
 * chunks of a few images, then single optimiser steps (HeadTrainer's step hook). Metrics on the training and
 * validation examples are computed {@value #REPORTS} times per job.
 */
final class JobTrainer {

    /** Progress records with fresh metrics per job. */
    static final int REPORTS = 10;
    private static final Object GRADIENT_COLLECTOR = new Object();

    /** Callbacks of a running job. */
    interface Listener {
        /** Called between pieces of work: throws to cancel the job, otherwise waits while inference is busy. */
        void checkpoint();

        /** Feature caching made progress (views done of total). */
        void features(int done, int total);

        /** A training round ended. */
        void epochs(int epoch, int totalEpochs, long step, long totalSteps, Map<String, Double> train,
                Map<String, Double> validation);
    }

    /**
     * The trained head and, for k &gt; 0, its tail (their arrays in the manager given to {@link #train}), its final
     * metrics, where time went.
     */
    record Result(TaskHead head, BackboneTail tail, Map<String, Double> train, Map<String, Double> validation,
            int trainExamples, int validationExamples, String timing) {
    }

    private final VisionTransformer backbone;
    private final FacePreprocessor preprocessor;
    private final TrainingViews.ExampleDecoder decoder;
    private final Function<BufferedImage, FaceBox> faceLocator;
    private final int chunkSize;

    /** {@code decoder}: the guarded, upright decode serving uses (so a job trains on what predictions see). */
    JobTrainer(VisionTransformer backbone, FacePreprocessor preprocessor, TrainingViews.ExampleDecoder decoder,
            Function<BufferedImage, FaceBox> faceLocator, int chunkSize) {
        this.backbone = backbone;
        this.preprocessor = preprocessor;
        this.decoder = decoder;
        this.faceLocator = faceLocator;
        this.chunkSize = chunkSize;
    }

    Result train(TaskSpec spec, List<Example> examples, NDManager manager, Listener listener) {
        // parameter updates and folding are in place: never recorded (libtorch's grad mode is per thread)
        GradientRecording.pauseOnThisThread();
        TrainingOptions options = spec.options();
        HeadKind kind = spec.kind();
        int blocks = options.unfrozenBlocks();
        if (blocks < 0 || blocks > backbone.config().depth()) {
            throw new IllegalArgumentException("unfrozen_blocks must be in [0, " + backbone.config().depth()
                    + "] for " + backbone.config().name() + ", got " + blocks);
        }
        DataSplit split = DataSplit.of(examples, kind, options.validationSplit(), options.seed());
        long start = System.nanoTime();
        TrainingViews views = new TrainingViews(preprocessor, decoder, options.detectFaces() ? faceLocator : null);
        TrainingViews.Views train = views.build(examples, split.train(), kind, options.augmentedViews(), options.seed(),
                listener::checkpoint);
        TrainingViews.Views validation = views.build(examples, split.validation(), kind, 0, options.seed(),
                listener::checkpoint);
        int total = train.pixels().size() + validation.pixels().size();
        long t1 = System.nanoTime();
        CachedJobModel model = blocks == 0
                ? FrozenFeatures.build(backbone, preprocessor.imageSize(), chunkSize, spec, train, validation, manager,
                        listener)
                : TailTokens.build(backbone, blocks, preprocessor.imageSize(), chunkSize, spec, train, validation,
                        manager, listener);

        long t2 = System.nanoTime();
        Standardizer scale = kind == HeadKind.REGRESSION ? Standardizer.fit(train.targets()) : Standardizer.NONE;
        List<float[]> trainTargets = train.targets().stream().map(scale::forward).toList();
        long stepsPerEpoch = (train.pixels().size() + options.batchSize() - 1) / options.batchSize();
        long totalSteps = stepsPerEpoch * options.epochs();
        // metrics (and a progress record) at every tenth of the job; every step is a checkpoint
        long reportEvery = Math.max(1, totalSteps / REPORTS);
        Map<String, Map<String, Double>> latest = new java.util.HashMap<>();
        HeadTrainer.Settings settings = new HeadTrainer.Settings(options.epochs(), 0, options.batchSize(),
                options.learningRate(), 1e-4, 0, options.seed());
        listener.checkpoint();
        // DJL's PyTorch engine allows one open gradient collector per JVM: concurrent jobs train one after the other
        synchronized (GRADIENT_COLLECTOR) {
            model.train(trainTargets, settings, manager, (step, steps) -> {
                if (step % reportEvery == 0 || step == steps) {
                    latest.put("train", HeadMetrics.of(kind, scale.inverse(model.predict(false, manager)),
                            train.targets()));
                    latest.put("validation", HeadMetrics.of(kind, scale.inverse(model.predict(true, manager)),
                            validation.targets()));
                    int epoch = (int) Math.min(options.epochs(), (step + stepsPerEpoch - 1) / stepsPerEpoch);
                    listener.epochs(epoch, options.epochs(), step, steps, latest.get("train"),
                            latest.get("validation"));
                }
                listener.checkpoint();
            });
        }
        Map<String, Double> trainMetrics = latest.getOrDefault("train", Map.of());
        Map<String, Double> validationMetrics = latest.getOrDefault("validation", Map.of());
        long t3 = System.nanoTime();
        // standardised features -> raw features, then standardised targets -> the targets' own units
        model.foldScaling(kind, manager);
        scale.foldInto(model.head(), manager);
        return new Result(model.head(), model.tail(), trainMetrics, validationMetrics, split.train().size(),
                split.validation().size(), String.format("views %d ms, %s %d ms (%d views), training %d ms%s",
                        (t1 - start) / 1_000_000, blocks == 0 ? "features" : "prefix tokens", (t2 - t1) / 1_000_000,
                        total, (t3 - t2) / 1_000_000, blocks == 0 ? "" : ", last " + blocks + " blocks trained"));
    }

    /**
     * Regression targets are trained as z-scores (ages of 1..90 would otherwise need a much larger learning rate
     * than the other kinds); after training the scale is folded into the head's last linear map, W' = diag(σ) W and
     * b' = σ ⊙ b + μ, so the published head answers in the label's own units.
     */
    record Standardizer(float[] mean, float[] std) {

        static final Standardizer NONE = new Standardizer(null, null);

        static Standardizer fit(List<float[]> targets) {
            int width = targets.get(0).length;
            float[] mean = new float[width];
            float[] std = new float[width];
            for (float[] target : targets) {
                for (int j = 0; j < width; j++) {
                    mean[j] += target[j] / targets.size();
                }
            }
            for (float[] target : targets) {
                for (int j = 0; j < width; j++) {
                    std[j] += (target[j] - mean[j]) * (target[j] - mean[j]) / targets.size();
                }
            }
            for (int j = 0; j < width; j++) {
                std[j] = (float) Math.max(Math.sqrt(std[j]), 1e-3);
            }
            return new Standardizer(mean, std);
        }

        float[] forward(float[] target) {
            if (mean == null) {
                return target;
            }
            float[] scaled = new float[target.length];
            for (int j = 0; j < target.length; j++) {
                scaled[j] = (target[j] - mean[j]) / std[j];
            }
            return scaled;
        }

        List<float[]> inverse(List<float[]> outputs) {
            if (mean == null) {
                return outputs;
            }
            return outputs.stream().map(output -> {
                float[] raw = new float[output.length];
                for (int j = 0; j < output.length; j++) {
                    raw[j] = output[j] * std[j] + mean[j];
                }
                return raw;
            }).toList();
        }

        void foldInto(TaskHead head, NDManager manager) {
            if (mean == null) {
                return;
            }
            int width = mean.length;
            for (Pair<String, Parameter> parameter : head.getParameters()) {
                NDArray array = parameter.getValue().getArray();
                Shape shape = array.getShape();
                if (shape.dimension() == 2 && shape.get(0) == width) {
                    // (R, 2D) weight: row r scaled by σ_r
                    array.muli(manager.create(std, new Shape(width, 1)).toDevice(array.getDevice(), false));
                } else if (shape.dimension() == 1 && shape.get(0) == width) {
                    array.muli(manager.create(std).toDevice(array.getDevice(), false))
                            .addi(manager.create(mean).toDevice(array.getDevice(), false));
                } else {
                    throw new IllegalStateException("unexpected regression head parameter " + parameter.getKey()
                            + " " + shape);
                }
            }
        }
    }
}
