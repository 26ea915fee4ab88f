package io.prosface.core.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Last k blocks unfrozen (k &gt; 0): the frozen prefix (patch embedding + blocks 0..L-k-1) runs ONCE per image and
 * its tokens are cached; a {@link BackboneTail} copied from the backbone's last k blocks then trains together with
 * the head on those tokens, the tail at {@link HeadTrainer.Settings#backboneLearningRateScale()} of the head's
 * learning rate (a fraction: the copied blocks already compute good features and should move less than a freshly
 * initialised head). The shared backbone never changes.
 *
 * <p>The head sees standardised features as with a frozen backbone; the statistics are those of the backbone's own
 * features (the fresh tail's output) and are applied inside the recorded graph, then folded into the head at the end.
 */
final class TailTokens implements CachedHeadModel {

    private final BackboneTail tail;
    private final TaskHead head;
    private final FeatureScaler scaler;
    private final CachedTokens train;
    private final CachedTokens validation;

    private TailTokens(
            BackboneTail tail, TaskHead head, FeatureScaler scaler, CachedTokens train, CachedTokens validation) {
        this.tail = tail;
        this.head = head;
        this.scaler = scaler;
        this.train = train;
        this.validation = validation;
    }

    /** Caches the prefix tokens of both sets (a checkpoint before each chunk), copies the tail, creates the head. */
    static TailTokens build(
            VisionTransformer backbone,
            int blocks,
            HeadFitting.Task task,
            int chunkSize,
            NDManager manager,
            HeadFitting.Listener listener) {
        int depth = backbone.config().depth() - blocks;
        int imageSize = task.imageSize();
        int trainCount = task.train().pixels().size();
        int total = trainCount + task.validation().pixels().size();
        CachedTokens train =
                extract(backbone, depth, imageSize, chunkSize, task.train().pixels(), manager, listener, 0, total);
        CachedTokens validation = extract(
                backbone,
                depth,
                imageSize,
                chunkSize,
                task.validation().pixels(),
                manager,
                listener,
                trainCount,
                total);
        BackboneTail tail = BackboneTail.copyOf(backbone, blocks, manager);
        FeatureScaler scaler =
                FeatureScaler.fit(initialFeatures(tail, train, task.kind() != HeadKind.LANDMARKS, manager));
        TaskHead head = HeadTrainer.newHead(
                task.kind(), task.labels(), backbone.config().embedDim(), train.length() - 1, manager);
        return new TailTokens(tail, head, scaler, train, validation);
    }

    @Override
    public TaskHead head() {
        return head;
    }

    @Override
    public BackboneTail tail() {
        return tail;
    }

    @Override
    public void train(
            List<float[]> targets, HeadTrainer.Settings settings, NDManager manager, HeadTrainer.StepHook hook) {
        HeadTrainer.trainWithTail(tail, head, train, targets, settings, manager, scaler::apply, hook);
    }

    @Override
    public List<float[]> predict(boolean onValidation, NDManager manager) {
        CachedTokens tokens = onValidation ? validation : train;
        List<float[]> outputs = new ArrayList<>(tokens.count());
        for (int start = 0; start < tokens.count(); start += PREDICT_BATCH) {
            List<Integer> indices = IntStream.range(start, Math.min(tokens.count(), start + PREDICT_BATCH))
                    .boxed()
                    .toList();
            try (NDManager batch = manager.newSubManager()) {
                ParameterStore parameters = new ParameterStore(batch, false);
                NDList features = tail.forward(parameters, new NDList(tokens.batch(batch, indices)), false);
                CachedHeadModel.appendRows(
                        head.forward(parameters, scaler.apply(features), false).head(), outputs);
            }
        }
        return outputs;
    }

    @Override
    public void foldScaling(HeadKind kind, NDManager manager) {
        scaler.foldInto(head, kind, manager);
    }

    /** Prefix tokens of {@code pixels} at {@code depth}, chunk by chunk with a checkpoint before each chunk. */
    private static CachedTokens extract(
            VisionTransformer backbone,
            int depth,
            int imageSize,
            int chunkSize,
            List<float[]> pixels,
            NDManager manager,
            HeadFitting.Listener listener,
            int doneBefore,
            int total) {
        int perSide = imageSize / backbone.config().patchSize();
        int length = 1 + perSide * perSide;
        int embedDim = backbone.config().embedDim();
        float[] tokens = new float[pixels.size() * length * embedDim];
        for (int start = 0; start < pixels.size(); start += chunkSize) {
            listener.checkpoint();
            int end = Math.min(pixels.size(), start + chunkSize);
            CachedTokens chunk = FeatureExtractor.extractTokens(
                    backbone, depth, pixels.subList(start, end), imageSize, chunkSize, manager);
            System.arraycopy(chunk.tokens(), 0, tokens, start * length * embedDim, chunk.tokens().length);
            listener.cached(doneBefore + end, total);
        }
        return new CachedTokens(pixels.size(), length, embedDim, tokens);
    }

    /**
     * The untrained tail's output on the training tokens (= the backbone's features of those views), pooled like
     * frozen jobs pool them for heads that read the mean patch token: the statistics of the standardisation.
     */
    private static CachedFeatures initialFeatures(
            BackboneTail tail, CachedTokens tokens, boolean pooled, NDManager manager) {
        int embedDim = tokens.embedDim();
        int numPatches = tokens.length() - 1;
        int kept = pooled ? 1 : numPatches;
        float[] classTokens = new float[tokens.count() * embedDim];
        float[] patchTokens = new float[tokens.count() * kept * embedDim];
        for (int start = 0; start < tokens.count(); start += PREDICT_BATCH) {
            List<Integer> indices = IntStream.range(start, Math.min(tokens.count(), start + PREDICT_BATCH))
                    .boxed()
                    .toList();
            try (NDManager batch = manager.newSubManager()) {
                NDList features =
                        tail.forward(new ParameterStore(batch, false), new NDList(tokens.batch(batch, indices)), false);
                float[] classes = features.get(0).toFloatArray();
                System.arraycopy(classes, 0, classTokens, start * embedDim, classes.length);
                // (B, N, D) -> (B, 1, D) when pooled
                float[] patches = (pooled ? features.get(1).mean(new int[] {1}) : features.get(1)).toFloatArray();
                System.arraycopy(patches, 0, patchTokens, start * kept * embedDim, patches.length);
            }
        }
        return new CachedFeatures(tokens.count(), embedDim, kept, classTokens, patchTokens);
    }
}
