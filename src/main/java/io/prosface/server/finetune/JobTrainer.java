package io.prosface.server.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.eval.CachedFeatures;
import io.prosface.core.eval.FeatureExtractor;
import io.prosface.core.eval.HeadTrainer;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Trains one few-shot head on the frozen backbone, with core's pieces: crops and augmentations from core.data,
 * features from core.eval's {@link FeatureExtractor} (computed once per view and cached), the training loop of
 * core.eval's {@link HeadTrainer} (AdamW, warm-up + cosine, the loss of the head's kind).
 *
 * <p>The work is cut into pieces so a job can be cancelled and yield the device to inference between them: feature
 * chunks of a few images, then single optimiser steps (HeadTrainer's step hook). Metrics on the training and
 * validation examples are computed {@value #REPORTS} times per job.
 *
 * <p>Memory: heads other than landmarks read only the class token and the MEAN patch token (core's linear probe), so
 * their cache keeps one pooled patch token per view instead of N (the probe's mean over one token is that token).
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

    /** The trained head (its arrays in the manager given to {@link #train}), its final metrics, where time went. */
    record Result(TaskHead head, Map<String, Double> train, Map<String, Double> validation, int trainExamples,
            int validationExamples, String timing) {
    }

    private final VisionTransformer backbone;
    private final FacePreprocessor preprocessor;
    private final Function<BufferedImage, FaceBox> faceLocator;
    private final int chunkSize;

    JobTrainer(VisionTransformer backbone, FacePreprocessor preprocessor, Function<BufferedImage, FaceBox> faceLocator,
            int chunkSize) {
        this.backbone = backbone;
        this.preprocessor = preprocessor;
        this.faceLocator = faceLocator;
        this.chunkSize = chunkSize;
    }

    Result train(TaskSpec spec, List<Example> examples, NDManager manager, Listener listener) {
        TrainingOptions options = spec.options();
        HeadKind kind = spec.kind();
        DataSplit split = DataSplit.of(examples, kind, options.validationSplit(), options.seed());
        long start = System.nanoTime();
        TrainingViews views = new TrainingViews(preprocessor, options.detectFaces() ? faceLocator : null);
        TrainingViews.Views train = views.build(examples, split.train(), kind, options.augmentedViews(), options.seed(),
                listener::checkpoint);
        TrainingViews.Views validation = views.build(examples, split.validation(), kind, 0, options.seed(),
                listener::checkpoint);
        int total = train.pixels().size() + validation.pixels().size();
        long t1 = System.nanoTime();
        boolean pooled = kind != HeadKind.LANDMARKS;
        CachedFeatures trainFeatures = extract(train.pixels(), pooled, manager, listener, 0, total);
        CachedFeatures validationFeatures = extract(validation.pixels(), pooled, manager, listener,
                train.pixels().size(), total);

        long t2 = System.nanoTime();
        FeatureScaler features = FeatureScaler.fit(trainFeatures);
        trainFeatures = features.apply(trainFeatures);
        validationFeatures = features.apply(validationFeatures);
        Standardizer scale = kind == HeadKind.REGRESSION ? Standardizer.fit(train.targets()) : Standardizer.NONE;
        List<float[]> trainTargets = train.targets().stream().map(scale::forward).toList();
        TaskHead head = HeadTrainer.newHead(kind, spec.labels(), backbone.config().embedDim(),
                trainFeatures.numPatches(), manager);

        long stepsPerEpoch = (train.pixels().size() + options.batchSize() - 1) / options.batchSize();
        long totalSteps = stepsPerEpoch * options.epochs();
        // metrics (and a progress record) at every tenth of the job; every step is a checkpoint
        long reportEvery = Math.max(1, totalSteps / REPORTS);
        Map<String, Map<String, Double>> latest = new java.util.HashMap<>();
        CachedFeatures scaledTrain = trainFeatures;
        CachedFeatures scaledValidation = validationFeatures;
        HeadTrainer.Settings settings = new HeadTrainer.Settings(options.epochs(), 0, options.batchSize(),
                options.learningRate(), 1e-4, 0, options.seed());
        listener.checkpoint();
        // DJL's PyTorch engine allows one open gradient collector per JVM: concurrent jobs train one after the other
        synchronized (GRADIENT_COLLECTOR) {
            HeadTrainer.trainOnFeatures(head, scaledTrain, trainTargets, settings, manager, (step, steps) -> {
                if (step % reportEvery == 0 || step == steps) {
                    latest.put("train", HeadMetrics.of(kind, scale.inverse(predict(head, scaledTrain, manager)),
                            train.targets()));
                    latest.put("validation", HeadMetrics.of(kind,
                            scale.inverse(predict(head, scaledValidation, manager)), validation.targets()));
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
        // raw features -> standardised targets, then -> the targets' own units
        features.foldInto(head, kind, manager);
        scale.foldInto(head, manager);
        return new Result(head, trainMetrics, validationMetrics, split.train().size(), split.validation().size(),
                String.format("views %d ms, features %d ms (%d views), training %d ms", (t1 - start) / 1_000_000,
                        (t2 - t1) / 1_000_000, total, (t3 - t2) / 1_000_000));
    }

    /** Backbone features of {@code pixels}, chunk by chunk with a checkpoint before each chunk. */
    private CachedFeatures extract(List<float[]> pixels, boolean pooled, NDManager manager, Listener listener,
            int doneBefore, int total) {
        int count = pixels.size();
        int embedDim = backbone.config().embedDim();
        int numPatches = backbone.config().numPatches();
        int keptPatches = pooled ? 1 : numPatches;
        float[] classTokens = new float[count * embedDim];
        float[] patchTokens = new float[count * keptPatches * embedDim];
        for (int start = 0; start < count; start += chunkSize) {
            listener.checkpoint();
            int end = Math.min(count, start + chunkSize);
            CachedFeatures chunk = FeatureExtractor.extract(backbone, pixels.subList(start, end),
                    preprocessor.imageSize(), chunkSize, manager);

            System.arraycopy(chunk.classTokens(), 0, classTokens, start * embedDim, chunk.classTokens().length);
            if (pooled) {
                meanPatch(chunk, patchTokens, start);
            } else {
                System.arraycopy(chunk.patchTokens(), 0, patchTokens, start * numPatches * embedDim,
                        chunk.patchTokens().length);
            }
            listener.features(doneBefore + end, total);
        }
        return new CachedFeatures(count, embedDim, keptPatches, classTokens, patchTokens);
    }

    /** (n, N, D) -> (n, 1, D): the mean patch token of each view, written at view {@code offset}. */
    private static void meanPatch(CachedFeatures chunk, float[] target, int offset) {
        int embedDim = chunk.embedDim();
        int numPatches = chunk.numPatches();
        for (int view = 0; view < chunk.count(); view++) {
            int base = (offset + view) * embedDim;
            for (int token = 0; token < numPatches; token++) {
                int source = (view * numPatches + token) * embedDim;
                for (int d = 0; d < embedDim; d++) {
                    target[base + d] += chunk.patchTokens()[source + d] / numPatches;
                }
            }
        }
    }

    /** Raw head outputs, one flat array per view ((B, K, 2) landmarks flatten to x0, y0, x1, ...). */
    private static List<float[]> predict(TaskHead head, CachedFeatures features, NDManager manager) {
        List<float[]> outputs = new ArrayList<>(features.count());
        for (int start = 0; start < features.count(); start += 256) {
            List<Integer> indices = IntStream.range(start, Math.min(features.count(), start + 256)).boxed().toList();
            try (NDManager batch = manager.newSubManager()) {
                NDArray output = head.forward(new ParameterStore(batch, false), features.batch(batch, indices), false)
                        .head();
                float[] values = output.toFloatArray();
                int width = values.length / indices.size();
                for (int b = 0; b < indices.size(); b++) {
                    float[] one = new float[width];
                    System.arraycopy(values, b * width, one, 0, width);
                    outputs.add(one);
                }
            }
        }
        return outputs;
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
