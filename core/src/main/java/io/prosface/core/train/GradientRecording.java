package io.prosface.core.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches libtorch's gradient recording off on the calling thread before parameters are updated in place.
 *
 * <p>Why: libtorch's grad mode is per thread and ON in a fresh thread; DJL switches it off only on the thread that
 * first starts the engine, and a closing {@code GradientCollector} restores whatever the thread had. On any other
 * thread (a job executor, a test thread after a server started the engine elsewhere) the in-place updates of
 * optimisers and the EMA teacher are then refused with "a leaf Variable that requires grad is being used in an
 * in-place operation". Parameter updates are never part of a graph, so turning recording off there is always right.
 */
public final class GradientRecording {

    private GradientRecording() {}

    /** Turns recording off on this thread (a no-op on engines without a per-thread grad mode). */
    public static void pauseOnThisThread() {
        if ("PyTorch".equals(Engine.getDefaultEngineName())) {
            JniUtils.setGradMode(false);
        }
    }
}
