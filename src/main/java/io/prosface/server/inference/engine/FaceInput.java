package io.prosface.server.inference.engine;

import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.LoadedHead;
import java.util.Map;
import java.util.Set;

/**
 * One face crop queued for the model.
 *
 * @param pixels model input, 3 x S x S normalised floats (channel planes R, G, B)
 * @param tasks what to answer
 * @param heads the head answering each task but {@link FaceTask#EMBEDDING}, resolved and retained when the request
 *     was admitted, so the version the request was accepted with is the one that answers it even across a swap
 * @param answers false for an internal pass whose outputs no client sees (re-framing's first landmark pass): the
 *     per-head metrics count faces answered, one per face per head
 */
public record FaceInput(float[] pixels, Set<FaceTask> tasks, Map<FaceTask, LoadedHead> heads, boolean answers) {

    /** A face whose outputs answer its request. */
    public FaceInput(float[] pixels, Set<FaceTask> tasks, Map<FaceTask, LoadedHead> heads) {
        this(pixels, tasks, heads, true);
    }
}
