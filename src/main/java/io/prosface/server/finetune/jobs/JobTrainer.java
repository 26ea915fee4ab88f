package io.prosface.server.finetune.jobs;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.eval.HeadFitting;
import io.prosface.core.eval.HeadTrainer;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.train.GradientRecording;
import io.prosface.server.finetune.upload.Example;
import io.prosface.server.finetune.upload.TaskSpec;
import io.prosface.server.finetune.upload.TrainingOptions;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Trains one few-shot head: the job's views (crops and augmentations of the uploaded examples, {@link TrainingViews}),
 * then core's {@link HeadFitting}, the one way heads are fitted (backbone outputs cached once per view; unfrozen_blocks
 * = 0 trains the head alone on the frozen backbone's features, k &gt; 0 the head together with an own copy of the
 * last k blocks, which then travels with the head; standardised features and regression targets, folded into the
 * head at the end). This class adapts: the job's listener, the timing, one training at a time in this JVM.
 *
 * <p>The work is cut into pieces so a job can be cancelled and yield the device to inference between them: feature
 * chunks of a few images, then single optimiser steps. Metrics on the training and validation examples are computed
 * {@value #REPORTS} times per job.
 */
final class JobTrainer {

    /** Progress records with fresh metrics per job. */
    static final int REPORTS = 10;
    /**
     * Tail learning rate = head learning rate x this (unfrozen_blocks &gt; 0): the usual fine-tuning ratio, the copied
     * blocks already compute good features and should move less than a freshly initialised head.
     */
    static final double TAIL_LEARNING_RATE_SCALE = 0.1;

    private static final Object GRADIENT_COLLECTOR = new Object();

    /** Callbacks of a running job. */
    interface Listener {
        /** Called between pieces of work: throws to cancel the job, otherwise waits while inference is busy. */
        void checkpoint();

        /** Feature caching made progress (views done of total). */
        void features(int done, int total);

        /** A training round ended. */
        void epochs(
                int epoch,
                int totalEpochs,
                long step,
                long totalSteps,
                Map<String, Double> train,
                Map<String, Double> validation);
    }

    /**
     * The trained head and, for k &gt; 0, its tail (their arrays in the manager given to {@link #train}), its final
     * metrics, where time went.
     */
    record Result(
            TaskHead head,
            BackboneTail tail,
            Map<String, Double> train,
            Map<String, Double> validation,
            int trainExamples,
            int validationExamples,
            String timing) {}

    private final VisionTransformer backbone;
    private final FacePreprocessor preprocessor;
    private final TrainingViews.ExampleDecoder decoder;
    private final Function<BufferedImage, FaceBox> faceLocator;
    private final int chunkSize;

    /** {@code decoder}: the guarded, upright decode serving uses (so a job trains on what predictions see). */
    JobTrainer(
            VisionTransformer backbone,
            FacePreprocessor preprocessor,
            TrainingViews.ExampleDecoder decoder,
            Function<BufferedImage, FaceBox> faceLocator,
            int chunkSize) {
        this.backbone = backbone;
        this.preprocessor = preprocessor;
        this.decoder = decoder;
        this.faceLocator = faceLocator;
        this.chunkSize = chunkSize;
    }

    /** @param split the upload's train/validation split of {@code examples} */
    Result train(TaskSpec spec, List<Example> examples, DataSplit split, NDManager manager, Listener listener) {
        // parameter updates and folding are in place: never recorded (libtorch's grad mode is per thread)
        GradientRecording.pauseOnThisThread();
        TrainingOptions options = spec.options();
        HeadKind kind = spec.kind();
        int blocks = options.unfrozenBlocks();
        long start = System.nanoTime();
        TrainingViews views = new TrainingViews(preprocessor, decoder, options.detectFaces() ? faceLocator : null);
        TrainingViews.Views train = views.build(
                examples, split.train(), kind, options.augmentedViews(), options.seed(), listener::checkpoint);
        TrainingViews.Views validation =
                views.build(examples, split.validation(), kind, 0, options.seed(), listener::checkpoint);
        int total = train.pixels().size() + validation.pixels().size();
        long t1 = System.nanoTime();
        HeadFitting.Task task = new HeadFitting.Task(
                kind,
                spec.labels(),
                preprocessor.imageSize(),
                new HeadFitting.Samples(train.pixels(), train.targets()),
                new HeadFitting.Samples(validation.pixels(), validation.targets()));
        long stepsPerEpoch = (train.pixels().size() + options.batchSize() - 1) / options.batchSize();
        HeadFitting.Listener progress = new HeadFitting.Listener() {
            @Override
            public void checkpoint() {
                listener.checkpoint();
            }

            @Override
            public void cached(int done, int totalViews) {
                listener.features(done, totalViews);
            }

            @Override
            public void report(
                    long step, long steps, Map<String, Double> trainMetrics, Map<String, Double> validationMetrics) {
                int epoch = (int) Math.min(options.epochs(), (step + stepsPerEpoch - 1) / stepsPerEpoch);
                listener.epochs(epoch, options.epochs(), step, steps, trainMetrics, validationMetrics);
            }
        };
        HeadFitting fitting = HeadFitting.cache(backbone, blocks, task, chunkSize, progress, manager);
        long t2 = System.nanoTime();
        HeadTrainer.Settings settings = new HeadTrainer.Settings(
                options.epochs(),
                0,
                options.batchSize(),
                options.learningRate(),
                1e-4,
                TAIL_LEARNING_RATE_SCALE,
                options.seed());
        listener.checkpoint();
        HeadFitting.Fitted fitted;
        // DJL's PyTorch engine allows one open gradient collector per JVM: concurrent jobs train one after the other
        synchronized (GRADIENT_COLLECTOR) {
            fitted = fitting.train(settings, REPORTS, progress, manager);
        }
        long t3 = System.nanoTime();
        return new Result(
                fitted.head(),
                fitted.tail(),
                fitted.train(),
                fitted.validation(),
                split.train().size(),
                split.validation().size(),
                String.format(
                        "views %d ms, %s %d ms (%d views), training %d ms%s",
                        (t1 - start) / 1_000_000,
                        blocks == 0 ? "features" : "prefix tokens",
                        (t2 - t1) / 1_000_000,
                        total,
                        (t3 - t2) / 1_000_000,
                        blocks == 0 ? "" : ", last " + blocks + " blocks trained"));
    }
}
