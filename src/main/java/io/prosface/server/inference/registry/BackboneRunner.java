package io.prosface.server.inference.registry;

import ai.djl.ndarray.NDArray;
import io.prosface.core.model.BackbonePass;
import java.util.Set;

/**
 * Runs the served backbone over one batch for one worker: the DJL blocks ({@link DjlBackboneRunner}) or an ONNX
 * Runtime session of the exported backbone ({@link OnnxBackboneRunner}). Heads always run in DJL on what it returns.
 */
public interface BackboneRunner extends AutoCloseable {

    /**
     * @param images (B, 3, S, S) normalised float32; every returned array belongs to its manager
     * @param depths token depths in 0..L-1 that heads with their own last blocks read
     * @param fullOutput whether [classToken (B, D), patchTokens (B, N, D)] is needed (heads without a tail,
     *     embeddings)
     */
    BackbonePass run(NDArray images, Set<Integer> depths, boolean fullOutput);

    @Override
    default void close() {}
}
