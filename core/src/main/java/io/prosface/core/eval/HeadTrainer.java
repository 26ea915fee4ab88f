package io.prosface.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.train.GradientClipping;
import io.prosface.core.train.ScheduledAdamW;
import io.prosface.core.train.Schedules;
import io.prosface.core.train.TaskLosses;
import io.prosface.core.train.TaskMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Trains a {@link TaskHead} on labelled samples, in the two modes of the evaluation protocol:
 * <ul>
 *   <li>frozen backbone ("linear probe"): the backbone runs once ({@link FeatureExtractor}) and the head trains on
 *       the cached features, which takes seconds;</li>
 *   <li>last k blocks unfrozen: the frozen prefix runs once ({@link FeatureExtractor#extractTokens}), and a
 *       {@link BackboneTail} (an own copy of the last k blocks) trains together with the head on the cached tokens,
 *       at the smaller learning rate of fine-tuning;</li>
 *   <li>fine-tuning: backbone and head train together end to end, the backbone at a smaller learning rate.</li>
 * </ul>
 * The loss follows the head's kind: binary cross-entropy for attributes and multi-label tags, cross-entropy for
 * expressions and classes, L1 on [0, 1] coordinates for landmarks, squared error for regression. AdamW with a
 * cosine learning-rate schedule; the batch order is seeded.
 */
public final class HeadTrainer {

    /**
     * @param epochs passes over the training samples
     * @param minSteps at least this many optimizer steps (tiny label budgets would otherwise barely train)
     * @param batchSize samples per step
     * @param learningRate peak learning rate of the head (cosine decay to 1% of it, 5% linear warm-up)
     * @param weightDecay AdamW decoupled weight decay
     * @param backboneLearningRateScale backbone (or tail) lr = head lr * this, in fine-tuning and tail training
     * @param seed batch order
     */
    public record Settings(
            int epochs,
            int minSteps,
            int batchSize,
            double learningRate,
            double weightDecay,
            double backboneLearningRateScale,
            long seed) {

        /** Frozen-backbone defaults: many cheap epochs on cached features. */
        public static Settings probe() {
            return new Settings(100, 300, 64, 1e-2, 1e-4, 0, 0);
        }

        /** End-to-end defaults: few epochs, backbone at a tenth of the head's rate. */
        public static Settings fineTune() {
            return new Settings(10, 100, 32, 5e-4, 0.05, 0.1, 0);
        }

        /** Optimizer steps for {@code samples} training samples. */
        public long steps(int samples) {
            long perEpoch = Math.max(1, (samples + batchSize - 1) / batchSize);
            return Math.max(minSteps, epochs * perEpoch);
        }
    }

    private HeadTrainer() {}

    /** A fresh head of {@code kind} over {@code labelNames}, initialised for the backbone's token shapes. */
    public static TaskHead newHead(
            HeadKind kind, List<String> labelNames, int embedDim, int numPatches, NDManager manager) {
        TaskHead head = TaskHead.create(kind, labelNames);
        head.initializeParameters(manager, embedDim, numPatches);
        return head;
    }

    /** Frozen backbone: trains {@code head} (initialised, in a long-lived manager) on cached features. */
    public static void trainOnFeatures(
            TaskHead head, CachedFeatures features, List<float[]> targets, Settings settings, NDManager manager) {
        trainOnFeatures(head, features, targets, settings, manager, (step, steps) -> {});
    }

    /**
     * Runs after every optimiser step, outside gradient recording; it may read the head (evaluate it) and may throw
     * to stop training there (the server's few-shot jobs: progress, cancellation, yielding to inference).
     */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(long stepsDone, long totalSteps);
    }

    /** {@link #trainOnFeatures} with a hook called after every step. */
    public static void trainOnFeatures(
            TaskHead head,
            CachedFeatures features,
            List<float[]> targets,
            Settings settings,
            NDManager manager,
            StepHook hook) {
        run(
                head,
                null,
                settings,
                targets.size(),
                manager,
                (indices, stepManager) -> features.batch(stepManager, indices),
                targets,
                hook);
    }

    /**
     * Last k blocks unfrozen: trains {@code tail} (its own arrays: they change) and {@code head} together on cached
     * prefix tokens; the tail's learning rate is the head's times {@link Settings#backboneLearningRateScale()}.
     *
     * @param headInput maps the tail's NDList(classToken, patchTokens) to the head's input inside the recorded
     *     graph (e.g. a standardisation; identity: {@code features -> features}); it must not use {@code Number}
     *     operands (see core.train.GraphScalars)
     */
    public static void trainWithTail(
            BackboneTail tail,
            TaskHead head,
            CachedTokens tokens,
            List<float[]> targets,
            Settings settings,
            NDManager manager,
            UnaryOperator<NDList> headInput,
            StepHook hook) {
        run(
                head,
                tail,
                settings,
                targets.size(),
                manager,
                (indices, stepManager) -> headInput.apply(tail.forward(
                        new ParameterStore(stepManager, false), new NDList(tokens.batch(stepManager, indices)), true)),
                targets,
                hook);
    }

    /** Fine-tuning: trains {@code backbone} (an own copy: its weights change) and {@code head} end to end. */
    public static void fineTune(
            VisionTransformer backbone,
            TaskHead head,
            List<float[]> pixels,
            int imageSize,
            List<float[]> targets,
            Settings settings,
            NDManager manager) {
        run(
                head,
                backbone,
                settings,
                targets.size(),
                manager,
                (indices, stepManager) -> {
                    List<float[]> images = new ArrayList<>(indices.size());
                    indices.forEach(index -> images.add(pixels.get(index)));
                    NDArray batch = FacePreprocessor.stack(stepManager, images, imageSize);
                    return backbone.forward(new ParameterStore(stepManager, false), new NDList(batch), true);
                },
                targets,
                (step, steps) -> {});
    }

    @FunctionalInterface
    private interface Inputs {
        NDList forward(List<Integer> indices, NDManager stepManager);
    }

    /** @param trunk trained with the head at the smaller learning rate (backbone or tail), or null: head only */
    private static void run(
            TaskHead head,
            Block trunk,
            Settings settings,
            int samples,
            NDManager manager,
            Inputs inputs,
            List<float[]> targets,
            StepHook hook) {
        long steps = settings.steps(samples);
        long warmup = Math.max(1, steps / 20);
        SplittableRandom random = new SplittableRandom(settings.seed());
        int[] order = permutation(samples, random);
        int cursor = 0;
        try (ScheduledAdamW headOptimizer = new ScheduledAdamW();
                ScheduledAdamW trunkOptimizer = new ScheduledAdamW()) {
            for (long step = 0; step < steps; step++) {
                List<Integer> indices = new ArrayList<>(settings.batchSize());
                for (int b = 0; b < Math.min(settings.batchSize(), samples); b++) {
                    if (cursor == samples) {
                        order = permutation(samples, random);
                        cursor = 0;
                    }
                    indices.add(order[cursor++]);
                }
                double learningRate = Schedules.warmupCosine(
                        0, settings.learningRate(), settings.learningRate() / 100, warmup, step, steps);
                GradientClipping.zeroGradients(head.getParameters());
                if (trunk != null) {
                    GradientClipping.zeroGradients(trunk.getParameters());
                }
                try (NDManager stepManager = manager.newSubManager()) {
                    try (GradientCollector collector = stepManager.getEngine().newGradientCollector()) {
                        NDList features = inputs.forward(indices, stepManager);
                        NDArray output = head.forward(new ParameterStore(stepManager, false), features, true)
                                .head();
                        NDArray loss = loss(
                                head.kind(),
                                output,
                                stack(stepManager, targets, indices, head.kind(), output.getShape()));
                        collector.backward(loss);
                    }
                }
                headOptimizer.step(head.getParameters(), learningRate, settings.weightDecay(), name -> false);
                if (trunk != null) {
                    GradientClipping.clipPerParameter(trunk.getParameters(), 3.0);
                    trunkOptimizer.step(
                            trunk.getParameters(),
                            learningRate * settings.backboneLearningRateScale(),
                            settings.weightDecay(),
                            name -> false);
                }
                hook.afterStep(step + 1, steps);
            }
        }
    }

    /** The task metric ({@link TaskMetrics#taskMetric}) of {@code head} on cached features. */
    public static double evaluate(TaskHead head, CachedFeatures features, List<float[]> targets, NDManager manager) {
        return TaskMetrics.taskMetric(head.kind(), predict(head, features, manager), targets, manager);
    }

    /** Raw outputs of {@code head} on cached features, one flat row per image. */
    public static List<float[]> predict(TaskHead head, CachedFeatures features, NDManager manager) {
        List<float[]> outputs = new ArrayList<>(features.count());
        for (int start = 0; start < features.count(); start += CachedHeadModel.PREDICT_BATCH) {
            List<Integer> indices = IntStream.range(
                            start, Math.min(features.count(), start + CachedHeadModel.PREDICT_BATCH))
                    .boxed()
                    .toList();
            try (NDManager batchManager = manager.newSubManager()) {
                CachedHeadModel.appendRows(
                        head.forward(
                                        new ParameterStore(batchManager, false),
                                        features.batch(batchManager, indices),
                                        false)
                                .head(),
                        outputs);
            }
        }
        return outputs;
    }

    private static NDArray loss(HeadKind kind, NDArray output, NDArray target) {
        return switch (kind) {
            case ATTRIBUTES, MULTILABEL -> TaskLosses.binaryCrossEntropyWithLogits(output, target);
            case EXPRESSION, CLASSIFICATION -> TaskLosses.crossEntropy(output, target, 0.0);
            case LANDMARKS -> TaskLosses.landmarkSmoothL1(output, target, null, 0.0);
            case REGRESSION -> TaskLosses.meanSquaredError(output, target);
        };
    }

    /** Targets of the given samples in the shape the loss expects: (B, A), (B) class indices, or (B, K, 2). */
    private static NDArray stack(
            NDManager manager, List<float[]> targets, List<Integer> indices, HeadKind kind, Shape outputShape) {
        int perSample = targets.get(indices.get(0)).length;
        float[] values = new float[indices.size() * perSample];
        for (int b = 0; b < indices.size(); b++) {
            System.arraycopy(targets.get(indices.get(b)), 0, values, b * perSample, perSample);
        }
        return switch (kind) {
            case EXPRESSION, CLASSIFICATION -> manager.create(values, new Shape(indices.size()));
            // (B, 2K) -> (B, K, 2): interleaved x, y pairs
            case LANDMARKS -> manager.create(values, new Shape(indices.size(), outputShape.get(1), 2));
            default -> manager.create(values, new Shape(indices.size(), perSample));
        };
    }

    private static int[] permutation(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
