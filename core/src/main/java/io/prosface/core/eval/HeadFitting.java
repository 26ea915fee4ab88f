package io.prosface.core.eval;

import ai.djl.ndarray.NDManager;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.train.TaskMetrics;
import java.util.List;
import java.util.Map;

/**
 * The one way a task head is fitted on a backbone: by the server's few-shot jobs, the {@code heads} command and the
 * evaluation protocol (linear probe and {@link #fineTune full fine-tuning}). With a frozen backbone or a trained tail,
 * two phases, so a caller can hold a lock around the training alone:
 * <ol>
 *   <li>{@link #cache}: the backbone runs ONCE per image, chunk by chunk: its features with k = 0 unfrozen blocks
 *       ({@link FrozenFeatures}), the frozen prefix's tokens with k &gt; 0 ({@link TailTokens}, which also copies
 *       the last k blocks to train them);</li>
 *   <li>{@link #train}: the head (and tail) train on standardised features ({@link FeatureScaler}) and, for
 *       regression, z-scored targets ({@link TargetScaler}), with {@link HeadTrainer}'s loop; metrics
 *       ({@link TaskMetrics#named}) on both sets are reported a given number of times; at the end both scalings are
 *       folded into the head, so it reads raw backbone features and answers in the targets' units.</li>
 * </ol>
 */
public final class HeadFitting {

    /** Prepared images (normalised CHW) and their targets, one row per image. */
    public record Samples(List<float[]> pixels, List<float[]> targets) {}

    /** What to fit: a head of {@code kind} over {@code labels}, on images of side {@code imageSize}. */
    public record Task(HeadKind kind, List<String> labels, int imageSize, Samples train, Samples validation) {}

    /** Callbacks of a fitting; each does nothing unless overridden. */
    public interface Listener {

        /** Between pieces of work (before each feature chunk, after each step): may throw to stop, may block. */
        default void checkpoint() {}

        /** Caching made progress: images done of total (training images first, then validation). */
        default void cached(int done, int total) {}

        /** An optimiser step ended. */
        default void stepped(long done, long total) {}

        /** Metrics of the current head on both sets ({@link TaskMetrics#named}), in the targets' units. */
        default void report(long step, long totalSteps, Map<String, Double> train, Map<String, Double> validation) {}
    }

    /**
     * A fitted head, its tail (null with k = 0; arrays in the manager the fitting used), its final metrics and its
     * final outputs on the validation images (targets' units), e.g. for {@link TaskMetrics#taskMetric}.
     */
    public record Fitted(
            TaskHead head,
            BackboneTail tail,
            Map<String, Double> train,
            Map<String, Double> validation,
            List<float[]> validationOutputs) {}

    private final CachedHeadModel model;
    private final HeadKind kind;
    private final List<float[]> trainTargets;
    private final List<float[]> validationTargets;

    private HeadFitting(CachedHeadModel model, Task task) {
        this.model = model;
        this.kind = task.kind();
        this.trainTargets = task.train().targets();
        this.validationTargets = task.validation().targets();
    }

    /**
     * Phase 1: caches the backbone's outputs for both sets, {@code chunkSize} images per backbone batch (a
     * checkpoint before each chunk), and creates the head (and, for k &gt; 0, the tail).
     *
     * @param unfrozenBlocks k in 0..depth: callers check it against their own input first (an API's 400, a flag)
     */
    public static HeadFitting cache(
            VisionTransformer backbone,
            int unfrozenBlocks,
            Task task,
            int chunkSize,
            Listener listener,
            NDManager manager) {
        int depth = backbone.config().depth();
        if (unfrozenBlocks < 0 || unfrozenBlocks > depth) {
            throw new IllegalArgumentException("unfrozen blocks " + unfrozenBlocks + " not in 0.." + depth + " of "
                    + backbone.config().name());
        }
        CachedHeadModel model = unfrozenBlocks == 0
                ? FrozenFeatures.build(backbone, task, chunkSize, manager, listener)
                : TailTokens.build(backbone, unfrozenBlocks, task, chunkSize, manager, listener);
        return new HeadFitting(model, task);
    }

    /**
     * Phase 1 with features computed elsewhere (the evaluation protocol computes a method's features once for every
     * label budget): {@code scaler} standardises them, e.g. with a larger pool's statistics.
     *
     * @param task its pixels are not read
     */
    public static HeadFitting onFeatures(
            Task task, CachedFeatures train, CachedFeatures validation, FeatureScaler scaler, NDManager manager) {
        return new HeadFitting(FrozenFeatures.of(task, scaler, train, validation, train.embedDim(), manager), task);
    }

    /**
     * Full fine-tuning, in one go: {@code backbone} (the caller's own copy with gradients attached: its weights
     * change) trains end to end with a fresh head, at {@link HeadTrainer.Settings#backboneLearningRateScale()} of the
     * head's learning rate. Nothing is cached or standardised (the features move while training); regression targets
     * are z-scored and folded like in {@link #train}. Validation metrics once, after training; the training set's are
     * left out ({@link Fitted#train()} empty): they would cost one more backbone pass over it and nobody reads them.
     */
    public static Fitted fineTune(
            VisionTransformer backbone, Task task, HeadTrainer.Settings settings, NDManager manager) {
        List<float[]> trainTargets = task.train().targets();
        TargetScaler targets = task.kind() == HeadKind.REGRESSION ? TargetScaler.fit(trainTargets) : TargetScaler.NONE;
        int perSide = task.imageSize() / backbone.config().patchSize();
        TaskHead head = HeadTrainer.newHead(
                task.kind(), task.labels(), backbone.config().embedDim(), perSide * perSide, manager);
        HeadTrainer.fineTune(
                backbone,
                head,
                task.train().pixels(),
                task.imageSize(),
                trainTargets.stream().map(targets::forward).toList(),
                settings,
                manager);
        targets.foldInto(head, manager);
        List<float[]> validationOutputs = HeadTrainer.predict(
                head,
                FeatureExtractor.extract(backbone, task.validation().pixels(), task.imageSize(), 64, manager),
                manager);
        return new Fitted(
                head,
                null,
                Map.of(),
                TaskMetrics.named(
                        task.kind(), validationOutputs, task.validation().targets()),
                validationOutputs);
    }

    /**
     * Phase 2: trains, reports metrics {@code reports} times (at every reports-th of the steps, and after the last),
     * then folds both scalings into the head.
     *
     * @param settings {@link HeadTrainer.Settings#backboneLearningRateScale()} is the tail's share of the head's
     *     learning rate (k &gt; 0)
     */
    public Fitted train(HeadTrainer.Settings settings, int reports, Listener listener, NDManager manager) {
        TargetScaler targets = kind == HeadKind.REGRESSION ? TargetScaler.fit(trainTargets) : TargetScaler.NONE;
        List<float[]> scaled = trainTargets.stream().map(targets::forward).toList();
        long reportEvery = Math.max(1, settings.steps(trainTargets.size()) / Math.max(1, reports));
        Fitted[] latest = {new Fitted(model.head(), model.tail(), Map.of(), Map.of(), List.of())};
        model.train(scaled, settings, manager, (step, steps) -> {
            if (step % reportEvery == 0 || step == steps) {
                List<float[]> validationOutputs = targets.inverse(model.predict(true, manager));
                latest[0] = new Fitted(
                        model.head(),
                        model.tail(),
                        TaskMetrics.named(kind, targets.inverse(model.predict(false, manager)), trainTargets),
                        TaskMetrics.named(kind, validationOutputs, validationTargets),
                        validationOutputs);
                listener.report(step, steps, latest[0].train(), latest[0].validation());
            }
            listener.stepped(step, steps);
            listener.checkpoint();
        });
        // standardised features -> raw features, then standardised targets -> the targets' own units
        model.foldScaling(kind, manager);
        targets.foldInto(model.head(), manager);
        return latest[0];
    }
}
