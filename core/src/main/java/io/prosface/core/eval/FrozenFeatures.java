package io.prosface.core.eval;

import ai.djl.ndarray.NDManager;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import java.util.List;

/**
 * Frozen backbone (k = 0 unfrozen blocks): the backbone's features of every image are computed once and cached, then
 * only the head trains on them (the linear-probe protocol), on standardised features ({@link FeatureScaler}).
 *
 * <p>Memory: heads other than landmarks read only the class token and the MEAN patch token (the linear probe), so
 * their cache keeps one pooled patch token per image instead of N (the probe's mean over one token is that token).
 */
final class FrozenFeatures implements CachedHeadModel {

    private final TaskHead head;
    private final FeatureScaler scaler;
    private final CachedFeatures train;
    private final CachedFeatures validation;

    private FrozenFeatures(TaskHead head, FeatureScaler scaler, CachedFeatures train, CachedFeatures validation) {
        this.head = head;
        this.scaler = scaler;
        this.train = train;
        this.validation = validation;
    }

    /** Caches the features of both sets (a checkpoint before each chunk) and creates the head. */
    static FrozenFeatures build(
            VisionTransformer backbone,
            HeadFitting.Task task,
            int chunkSize,
            NDManager manager,
            HeadFitting.Listener listener) {
        boolean pooled = task.kind() != HeadKind.LANDMARKS;
        int imageSize = task.imageSize();
        int trainCount = task.train().pixels().size();
        int total = trainCount + task.validation().pixels().size();
        CachedFeatures train =
                extract(backbone, imageSize, chunkSize, task.train().pixels(), pooled, manager, listener, 0, total);
        CachedFeatures validation = extract(
                backbone,
                imageSize,
                chunkSize,
                task.validation().pixels(),
                pooled,
                manager,
                listener,
                trainCount,
                total);
        return of(
                task,
                FeatureScaler.fit(train),
                train,
                validation,
                backbone.config().embedDim(),
                manager);
    }

    /** A fresh head over cached features (raw; standardised here by {@code scaler}, folded in after training). */
    static FrozenFeatures of(
            HeadFitting.Task task,
            FeatureScaler scaler,
            CachedFeatures train,
            CachedFeatures validation,
            int embedDim,
            NDManager manager) {
        TaskHead head = HeadTrainer.newHead(task.kind(), task.labels(), embedDim, train.numPatches(), manager);
        return new FrozenFeatures(head, scaler, scaler.apply(train), scaler.apply(validation));
    }

    @Override
    public TaskHead head() {
        return head;
    }

    @Override
    public BackboneTail tail() {
        return null;
    }

    @Override
    public void train(
            List<float[]> targets, HeadTrainer.Settings settings, NDManager manager, HeadTrainer.StepHook hook) {
        HeadTrainer.trainOnFeatures(head, train, targets, settings, manager, hook);
    }

    @Override
    public List<float[]> predict(boolean onValidation, NDManager manager) {
        return HeadTrainer.predict(head, onValidation ? validation : train, manager);
    }

    @Override
    public void foldScaling(HeadKind kind, NDManager manager) {
        scaler.foldInto(head, kind, manager);
    }

    /** Backbone features of {@code pixels}, chunk by chunk with a checkpoint before each chunk. */
    private static CachedFeatures extract(
            VisionTransformer backbone,
            int imageSize,
            int chunkSize,
            List<float[]> pixels,
            boolean pooled,
            NDManager manager,
            HeadFitting.Listener listener,
            int doneBefore,
            int total) {
        int count = pixels.size();
        int embedDim = backbone.config().embedDim();
        int keptPatches = pooled
                ? 1
                : (imageSize / backbone.config().patchSize())
                        * (imageSize / backbone.config().patchSize());
        float[] classTokens = new float[count * embedDim];
        float[] patchTokens = new float[count * keptPatches * embedDim];
        for (int start = 0; start < count; start += chunkSize) {
            listener.checkpoint();
            int end = Math.min(count, start + chunkSize);
            CachedFeatures chunk =
                    FeatureExtractor.extract(backbone, pixels.subList(start, end), imageSize, chunkSize, manager);
            System.arraycopy(chunk.classTokens(), 0, classTokens, start * embedDim, chunk.classTokens().length);
            if (pooled) {
                meanPatch(chunk, patchTokens, start);
            } else {
                System.arraycopy(
                        chunk.patchTokens(),
                        0,
                        patchTokens,
                        start * keptPatches * embedDim,
                        chunk.patchTokens().length);
            }
            listener.cached(doneBefore + end, total);
        }
        return new CachedFeatures(count, embedDim, keptPatches, classTokens, patchTokens);
    }

    /** (n, N, D) -> (n, 1, D): the mean patch token of each view, written at view {@code offset}. */
    static void meanPatch(CachedFeatures chunk, float[] target, int offset) {
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
}
