package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FaceBatchLoader;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.readers.MultiTaskCorpus;
import io.prosface.core.data.readers.MultiTaskExample;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fine-tuning "with additional layers", end to end: the whole backbone and every task head (attributes, expression,
 * landmarks, age) train together on one stream of faces, each face contributing to the heads it has labels for
 * ({@link MultiTaskLoss}). AdamW with linear warm-up and cosine decay; the backbone at
 * {@code backboneLearningRateScale} of the heads' rate; per-parameter gradient clipping on the backbone. Resumable:
 * {@link #run} starts at any step and the schedule continues (the AdamW moments restart, as in pretraining's resume).
 */
public final class MultiTaskFineTuning {

    /**
     * @param epochs passes over the corpus
     * @param batchSize faces per step
     * @param learningRate peak rate of the heads (cosine to 1% of it after {@code warmupSteps} linear steps)
     * @param backboneLearningRateScale backbone rate = heads' rate times this
     * @param weightDecay AdamW decoupled weight decay
     * @param seed batch order and augmentation
     * @param threads decoding and augmenting threads
     * @param maxFaces train on a seeded sample of this many faces (0: all; small runs and tests)
     */
    public record Settings(
            int epochs,
            int batchSize,
            double learningRate,
            double backboneLearningRateScale,
            double weightDecay,
            long warmupSteps,
            long seed,
            int threads,
            int maxFaces,
            MultiTaskLoss loss) {

        /** The faces one run trains on: the corpus, or a seeded sample of {@code maxFaces} of it. */
        public FaceDataset faces(MultiTaskCorpus corpus) {
            FaceDataset all = corpus.dataset();
            return maxFaces > 0 && maxFaces < all.size()
                    ? io.prosface.core.data.FaceDatasets.split(all, (double) maxFaces / all.size(), seed)
                            .get(0)
                    : all;
        }
    }

    /** The four heads by task: attributes, expression, landmarks, age. */
    public record Heads(TaskHead attributes, TaskHead expression, TaskHead landmarks, TaskHead age) {
        public List<TaskHead> all() {
            return List.of(attributes, expression, landmarks, age);
        }
    }

    /** Called after each step outside the gradient graph; may throw to stop (a clean stop saves first). */
    public interface Listener {
        void stepFinished(
                long step,
                long totalSteps,
                int epoch,
                double learningRate,
                Map<String, Double> losses,
                double imagesPerSecond);

        /** Whether to stop after {@code step}: the caller saves a checkpoint then. */
        default boolean stopRequested() {
            return false;
        }
    }

    private MultiTaskFineTuning() {}

    /** Optimizer steps of one epoch (the last ragged batch is dropped). */
    public static long stepsPerEpoch(int samples, int batchSize) {
        return Math.max(1, samples / batchSize);
    }

    /**
     * Trains from {@code firstStep} until the schedule's end or a stop request; returns the next step to run.
     *
     * @param checkpoint called with the next step every {@code checkpointEvery} steps and at the end
     */
    public static long run(
            VisionTransformer backbone,
            Heads heads,
            MultiTaskCorpus corpus,
            Settings settings,
            long firstStep,
            long checkpointEvery,
            NDManager manager,
            Listener listener,
            java.util.function.LongConsumer checkpoint) {
        FaceDataset dataset = settings.faces(corpus);
        long perEpoch = stepsPerEpoch(dataset.size(), settings.batchSize());
        long totalSteps = perEpoch * settings.epochs();
        int imageSize = backbone.config().imageSize();
        FaceBatchLoader.Options options =
                new FaceBatchLoader.Options(settings.batchSize(), true, true, settings.seed(), settings.threads(), 3);
        long step = firstStep;
        try (FaceBatchLoader<MultiTaskExample> loader = new FaceBatchLoader<>(
                        dataset, (sample, random) -> corpus.example(sample, random, true), options);
                // one optimizer per head: AdamW keeps its moments by parameter name, and the heads' names coincide
                Optimizers headOptimizers = new Optimizers(heads.all().size());
                ScheduledAdamW backboneOptimizer = new ScheduledAdamW()) {
            for (int epoch = (int) (step / perEpoch); epoch < settings.epochs() && step < totalSteps; epoch++) {
                Iterator<List<MultiTaskExample>> batches = loader.epoch(epoch);
                // a resumed run skips the batches of this epoch it already trained on (order is seeded per epoch)
                for (long skip = step - epoch * perEpoch; skip > 0 && batches.hasNext(); skip--) {
                    batches.next();
                }
                while (batches.hasNext() && step < totalSteps) {
                    long started = System.nanoTime();
                    List<MultiTaskExample> batch = batches.next();
                    double learningRate = Schedules.warmupCosine(
                            0,
                            settings.learningRate(),
                            settings.learningRate() / 100,
                            settings.warmupSteps(),
                            step,
                            totalSteps);
                    Map<String, Double> losses = trainStep(backbone, heads, batch, imageSize, settings, manager, step);
                    for (int h = 0; h < heads.all().size(); h++) {
                        headOptimizers
                                .get(h)
                                .step(
                                        heads.all().get(h).getParameters(),
                                        learningRate,
                                        settings.weightDecay(),
                                        name -> false);
                    }
                    GradientClipping.clipPerParameter(backbone.getParameters(), 3.0);
                    backboneOptimizer.step(
                            backbone.getParameters(),
                            learningRate * settings.backboneLearningRateScale(),
                            settings.weightDecay(),
                            name -> false);
                    step++;
                    double seconds = (System.nanoTime() - started) / 1e9;
                    listener.stepFinished(step, totalSteps, epoch, learningRate, losses, batch.size() / seconds);
                    if (step % checkpointEvery == 0 || step == totalSteps || listener.stopRequested()) {
                        checkpoint.accept(step);
                    }
                    if (listener.stopRequested()) {
                        return step;
                    }
                }
            }
        }
        return step;
    }

    /** Closes all its optimizers together. */
    private static final class Optimizers implements AutoCloseable {
        private final List<ScheduledAdamW> optimizers = new java.util.ArrayList<>();

        Optimizers(int count) {
            for (int i = 0; i < count; i++) {
                optimizers.add(new ScheduledAdamW());
            }
        }

        ScheduledAdamW get(int index) {
            return optimizers.get(index);
        }

        @Override
        public void close() {
            optimizers.forEach(ScheduledAdamW::close);
        }
    }

    private static Map<String, Double> trainStep(
            VisionTransformer backbone,
            Heads heads,
            List<MultiTaskExample> batch,
            int imageSize,
            Settings settings,
            NDManager manager,
            long step) {
        GradientClipping.zeroGradients(backbone.getParameters());
        heads.all().forEach(head -> GradientClipping.zeroGradients(head.getParameters()));
        try (NDManager stepManager = manager.newSubManager()) {
            Targets targets = Targets.stack(stepManager, batch);
            try (GradientCollector collector = stepManager.getEngine().newGradientCollector()) {
                ParameterStore store = new ParameterStore(stepManager, false);
                NDArray images = FacePreprocessor.stack(
                        stepManager,
                        batch.stream().map(MultiTaskExample::pixels).toList(),
                        imageSize);
                // NDList(classToken (B, D), patchTokens (B, N, D)), shared by every head
                NDList tokens = backbone.forward(store, new NDList(images), true);
                Function<TaskHead, NDArray> run =
                        head -> head.forward(store, tokens, true).head();
                MultiTaskLoss.Terms terms = settings.loss()
                        .compute(
                                run.apply(heads.attributes()),
                                targets.attributes,
                                targets.attributeMask,
                                run.apply(heads.expression()),
                                targets.expression,
                                targets.expressionWeight,
                                run.apply(heads.landmarks()),
                                targets.landmarks,
                                targets.landmarkWeight,
                                run.apply(heads.age()),
                                targets.age,
                                targets.ageWeight);
                collector.backward(terms.total());
                Map<String, Double> losses = new LinkedHashMap<>();
                losses.put("loss", (double) terms.total().getFloat());
                losses.put("attributes", (double) terms.attributes().getFloat());
                losses.put("expression", (double) terms.expression().getFloat());
                losses.put("landmarks", (double) terms.landmarks().getFloat());
                losses.put("age", (double) terms.age().getFloat());
                if (!Double.isFinite(losses.get("loss"))) {
                    throw new NonFiniteLossException(step, losses.get("loss"));
                }
                return losses;
            }
        }
    }

    /** A batch's targets as arrays of the step's manager. */
    private record Targets(
            NDArray attributes,
            NDArray attributeMask,
            NDArray expression,
            NDArray expressionWeight,
            NDArray landmarks,
            NDArray landmarkWeight,
            NDArray age,
            NDArray ageWeight) {

        static Targets stack(NDManager manager, List<MultiTaskExample> batch) {
            int size = batch.size();
            int attributeCount = batch.get(0).attributes().length;
            int pointValues = batch.get(0).landmarks().length;
            return new Targets(
                    rows(manager, batch, MultiTaskExample::attributes, new Shape(size, attributeCount)),
                    rows(manager, batch, MultiTaskExample::attributeMask, new Shape(size, attributeCount)),
                    rows(manager, batch, MultiTaskExample::expression, new Shape(size, 7)),
                    scalars(manager, batch, MultiTaskExample::expressionWeight),
                    // (B, 2K) interleaved -> (B, K, 2)
                    rows(manager, batch, MultiTaskExample::landmarks, new Shape(size, pointValues / 2, 2)),
                    scalars(manager, batch, MultiTaskExample::landmarkWeight),
                    scalars(manager, batch, MultiTaskExample::age),
                    scalars(manager, batch, MultiTaskExample::ageWeight));
        }

        private static NDArray rows(
                NDManager manager,
                List<MultiTaskExample> batch,
                Function<MultiTaskExample, float[]> field,
                Shape shape) {
            int width = (int) (shape.size() / shape.get(0));
            float[] values = new float[(int) shape.size()];
            for (int b = 0; b < batch.size(); b++) {
                System.arraycopy(field.apply(batch.get(b)), 0, values, b * width, width);
            }
            return manager.create(values, shape);
        }

        private static NDArray scalars(
                NDManager manager,
                List<MultiTaskExample> batch,
                java.util.function.ToDoubleFunction<MultiTaskExample> field) {
            float[] values = new float[batch.size()];
            for (int b = 0; b < values.length; b++) {
                values[b] = (float) field.applyAsDouble(batch.get(b));
            }
            return manager.create(values);
        }
    }
}
