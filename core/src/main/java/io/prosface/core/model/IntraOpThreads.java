package io.prosface.core.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread count is an OpenMP setting of the calling thread: a thread that sets it before its first
 * forward keeps it, whatever other threads set. The server's inference workers, the load test's ceiling and
 * {@code bench --precision} all set it this way on the thread that computes, so they run the same layout.
 */
public final class IntraOpThreads {

    private IntraOpThreads() {}

    /**
     * Sets the calling thread's libtorch intra-op threads.
     *
     * @return false (nothing set) when the engine is not PyTorch
     */
    public static boolean setForCurrentThread(int threads) {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return false;
        }
        JniUtils.setNumThreads(threads);
        return true;
    }
}
