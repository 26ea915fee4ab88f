package io.prosface.server.inference.batching;

/**
 * Called on the worker thread before each batch runs. Production uses the no-op default; tests replace it (a CDI
 * alternative enabled by a test profile) with a slow one to exercise full queues and deadlines deterministically.
 */
public interface BatchHook {

    void beforeBatch(int batchSize);
}
