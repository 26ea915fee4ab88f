package io.prosface.server.finetune.upload;

/**
 * How a job trains, as accepted (defaults filled in).
 *
 * @param epochs passes over the training examples
 * @param learningRate peak AdamW learning rate of the head (warm-up, then cosine decay)
 * @param batchSize examples per optimiser step
 * @param validationSplit share of the examples held out, in [0, 0.5]; 0: no validation metrics
 * @param unfrozenBlocks 0: frozen backbone, only the head trains on cached features; k in 1..depth: an own copy of
 *     the last k transformer blocks (+ final norm) trains with the head at a tenth of its learning rate, on the
 *     frozen prefix's tokens cached once per view; the trained copy travels with the head
 *     ({@link io.prosface.core.eval.HeadFitting})
 * @param augmentedViews augmented copies per training image whose features are cached next to the plain view
 * @param seed split, augmentation and batch order
 * @param promote make the new version current for its name once published (else the previous current stays)
 * @param detectFaces crop training images around the largest detected face, as serving does without a client box;
 *     false: use the whole image
 */
public record TrainingOptions(
        int epochs,
        double learningRate,
        int batchSize,
        double validationSplit,
        int unfrozenBlocks,
        int augmentedViews,
        long seed,
        boolean promote,
        boolean detectFaces) {}
