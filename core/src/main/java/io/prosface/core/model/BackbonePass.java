package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One inference pass of the shared backbone over a batch that keeps the token sequences at the depths some
 * {@link BackboneTail}s start from, so that heads with tails of different lengths share the prefix: the blocks run
 * once, in order, and the state after block d - 1 is kept for every requested depth d.
 *
 * @param output the full forward's NDList(classToken (B, D), patchTokens (B, N, D)), or null when not asked for
 * @param tokensAtDepth tokens (B, 1 + N, D) after the first d blocks, by d
 */
public record BackbonePass(NDList output, Map<Integer, NDArray> tokensAtDepth) {

    /**
     * @param images (B, 3, S, S) normalised float32; every array of the pass belongs to its manager
     * @param depths depths in 0..L-1 to keep
     * @param fullOutput also finish the pass (last blocks + final norm) for heads without a tail and embeddings;
     *     false stops after the deepest kept depth
     */
    public static BackbonePass run(
            VisionTransformer backbone,
            ParameterStore parameterStore,
            NDArray images,
            Collection<Integer> depths,
            boolean fullOutput) {
        int depth = backbone.config().depth();
        TreeSet<Integer> ordered = new TreeSet<>(depths);
        if (!ordered.isEmpty() && (ordered.first() < 0 || ordered.last() >= depth)) {
            throw new IllegalArgumentException("depths " + ordered + " are not in 0.." + (depth - 1));
        }
        Map<Integer, NDArray> kept = new TreeMap<>();
        NDArray tokens = backbone.embed(parameterStore, images, false);
        int done = 0;
        for (int target : ordered) {
            tokens = backbone.runBlocks(parameterStore, tokens, done, target, false);
            done = target;
            kept.put(target, tokens);
        }
        NDList output = null;
        if (fullOutput) {
            output = backbone.finish(
                    parameterStore, backbone.runBlocks(parameterStore, tokens, done, depth, false), false);
        }
        return new BackbonePass(output, Map.copyOf(kept));
    }
}
