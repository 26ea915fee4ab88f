package io.prosface.training;

import ai.djl.ndarray.NDManager;
import io.prosface.core.eval.CachedFeatures;
import io.prosface.core.eval.CachedTokens;
import io.prosface.core.eval.FeatureExtractor;
import io.prosface.core.eval.HeadTrainer;
import io.prosface.core.eval.TaskExamples;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import java.util.Locale;

/**
 * Trains one task head of the {@code heads} command on a checkpoint's backbone and measures it on held-out samples:
 * <ul>
 *   <li>k = 0: on the frozen backbone's cached output (each head trains in seconds);</li>
 *   <li>k &gt; 0: with its own copy of the last k blocks ({@link BackboneTail}), trained together with the head on
 *       the cached tokens of the frozen prefix (blocks 0..L-k-1 run once per image), the tail at a fraction of the
 *       head's learning rate. Every step then runs k blocks forward and backward, so training costs about k/L of
 *       end-to-end fine-tuning per step, and serving runs those k blocks once more for this head.</li>
 * </ul>
 */
final class HeadFitting {

    /** Images per backbone batch while caching features or tokens. */
    private static final int EXTRACT_BATCH = 64;

    /** @param tail null for a head on the frozen backbone output */
    record Fitted(TaskHead head, BackboneTail tail, double metric) {}

    private HeadFitting() {}

    /**
     * @param unfrozenBlocks k in 0..L
     * @param settings head settings; {@code backboneLearningRateScale} is the tail's share of the head's lr
     */
    static Fitted fit(VisionTransformer backbone, int unfrozenBlocks, TaskExamples train, TaskExamples held,
            HeadTrainer.Settings settings, NDManager manager) {
        int size = backbone.config().imageSize();
        int embedDim = backbone.config().embedDim();
        if (unfrozenBlocks == 0) {
            CachedFeatures trainFeatures = FeatureExtractor.extract(backbone, train.pixels(), size, EXTRACT_BATCH,
                    manager);
            CachedFeatures heldFeatures = FeatureExtractor.extract(backbone, held.pixels(), size, EXTRACT_BATCH,
                    manager);
            TaskHead head = HeadTrainer.newHead(train.task().headKind(), train.labelNames(), embedDim,
                    trainFeatures.numPatches(), manager);
            HeadTrainer.trainOnFeatures(head, trainFeatures, train.targets(), settings, manager);
            return new Fitted(head, null, HeadTrainer.evaluate(head, heldFeatures, held.targets(), manager));
        }
        int depth = backbone.config().depth() - unfrozenBlocks;
        CachedTokens trainTokens = FeatureExtractor.extractTokens(backbone, depth, train.pixels(), size,
                EXTRACT_BATCH, manager);
        CachedTokens heldTokens = FeatureExtractor.extractTokens(backbone, depth, held.pixels(), size, EXTRACT_BATCH,
                manager);
        BackboneTail tail = BackboneTail.copyOf(backbone, unfrozenBlocks, manager);
        TaskHead head = HeadTrainer.newHead(train.task().headKind(), train.labelNames(), embedDim,
                trainTokens.length() - 1, manager);
        long started = System.nanoTime();
        HeadTrainer.trainWithTail(tail, head, trainTokens, train.targets(), settings, manager, features -> features,
                (done, total) -> progress(train.task().label(), done, total, started));
        CachedFeatures heldFeatures = FeatureExtractor.throughTail(tail, heldTokens, EXTRACT_BATCH, manager);
        return new Fitted(head, tail, HeadTrainer.evaluate(head, heldFeatures, held.targets(), manager));
    }

    /** One line per tenth of the steps: tail training takes minutes, not seconds. */
    private static void progress(String task, long done, long total, long started) {
        long tenth = Math.max(1, total / 10);
        if (done % tenth == 0 || done == total) {
            System.out.printf(Locale.ROOT, "  %s: step %d/%d (%.0f s)%n", task, done, total,
                    (System.nanoTime() - started) / 1e9);
        }
    }
}
