package io.prosface.server.inference.batching;

import java.util.List;

/**
 * Runs one batch. Each batcher worker owns one processor and calls it from its own thread only, so an
 * implementation may keep per-thread state (a DJL predictor, scratch buffers) without locking.
 *
 * @param <I> one queued input
 * @param <O> its answer
 */
public interface BatchProcessor<I, O> extends AutoCloseable {

    /** Answers every input, in input order (the returned list has the same size). */
    List<O> process(List<I> inputs) throws Exception;

    @Override
    default void close() {}
}
