package io.prosface.core.train;

/**
 * Collapse detectors computed from the teacher's centred and sharpened distribution over the K prototypes.
 *
 * <p>Two failure modes are visible here: every image assigned to one prototype (entropy near 0, one distinct
 * prototype, perplexity near 1) and a uniform teacher that says nothing (entropy near log K). A healthy run sits in
 * between, with many distinct prototypes in use.
 *
 * @param entropy mean over images of the teacher entropy H(p_t), in nats
 * @param maxEntropy log K, the entropy of the uniform distribution, to compare with
 * @param distinctPrototypes number of different argmax prototypes over the batch (all global views)
 * @param perplexity exp(H(mean over the batch of p_t)): the effective number of prototypes in use, 1..K
 */
public record TeacherStatistics(double entropy, double maxEntropy, int distinctPrototypes, double perplexity) {}
