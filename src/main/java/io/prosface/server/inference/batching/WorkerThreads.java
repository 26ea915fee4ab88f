package io.prosface.server.inference.batching;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.prosface.core.model.IntraOpThreads;
import org.jboss.logging.Logger;

/**
 * How many intra-op threads each inference worker's forward uses ({@code pros.inference.threads-per-worker}).
 *
 * <p>Each worker sets its count on its own thread ({@link IntraOpThreads}). With one worker of two threads, a
 * 2-core machine idles one core whenever the worker does anything serial (stacking the batch, heads, copying answers
 * back), and a small ViT's ops are often too small for two threads anyway; two workers of one thread each keep both
 * cores on forwards. See docs/performance.md, "Workers", for the measurements behind the default.
 */
public final class WorkerThreads {

    private static final Logger LOG = Logger.getLogger(WorkerThreads.class);

    private WorkerThreads() {}

    /** The configured worker count, or when it is 0: two on a CPU with at least two cores, one on a GPU. */
    public static int workers(int configured, Device device) {
        if (configured < 0) {
            throw new IllegalArgumentException("pros.inference.workers must be 0 (auto) or more, not " + configured);
        }
        if (configured > 0) {
            return configured;
        }
        return device.isGpu() ? 1 : Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** The configured count, or the CPU cores divided among the workers (at least one) when it is 0. */
    public static int perWorker(int configured, int workers) {
        if (configured < 0) {
            throw new IllegalArgumentException(
                    "pros.inference.threads-per-worker must be 0 (auto) or more, not " + configured);
        }
        if (configured > 0) {
            return configured;
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
    }

    /** Sets libtorch's intra-op threads for the calling thread (the worker's), when the engine is PyTorch. */
    public static void applyToCurrentThread(int threads) {
        if (!IntraOpThreads.setForCurrentThread(threads)) {
            LOG.debugf(
                    "engine %s: intra-op threads left as they are",
                    Engine.getInstance().getEngineName());
        }
    }
}
