package io.prosface.core.train;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * Produces batches ahead of the training step on worker threads, in step order. Decoding and augmenting images is
 * CPU work in plain Java arrays (no NDArrays: their managers are not meant to cross threads), so it overlaps with the
 * step's native compute. Each batch is a pure function of its step number (the producer seeds its random numbers
 * from it), which keeps runs reproducible regardless of thread timing and lets a resumed run continue exactly.
 *
 * @param <T> the batch type (for example multi-crop views as float arrays)
 */
public final class BatchPrefetcher<T> implements AutoCloseable {

    private final LongFunction<T> producer;
    private final ExecutorService workers;
    private final Deque<Future<T>> ahead = new ArrayDeque<>();
    private final int depth;
    private long nextToSubmit;

    /**
     * @param producer builds the batch of one step number; called concurrently from {@code threads} threads
     * @param firstStep step number of the first batch {@link #next()} returns
     * @param threads worker threads (1..cores)
     * @param depth how many batches may be in flight ahead of the consumer (>= threads)
     */
    public BatchPrefetcher(LongFunction<T> producer, long firstStep, int threads, int depth) {
        if (threads < 1 || depth < 1) {
            throw new IllegalArgumentException("threads and depth must be >= 1: " + threads + ", " + depth);
        }
        this.producer = producer;
        this.depth = Math.max(depth, threads);
        this.nextToSubmit = firstStep;
        AtomicInteger count = new AtomicInteger();
        ThreadFactory daemons = runnable -> {
            Thread thread = new Thread(runnable, "batch-loader-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.workers = Executors.newFixedThreadPool(threads, daemons);
        fill();
    }

    private void fill() {
        while (ahead.size() < depth) {
            long step = nextToSubmit++;
            ahead.addLast(workers.submit(() -> producer.apply(step)));
        }
    }

    /** The next batch in step order; blocks until it is ready. A failure in the producer is rethrown here. */
    public T next() {
        Future<T> head = ahead.removeFirst();
        fill();
        try {
            return head.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("batch loading failed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        ahead.forEach(future -> future.cancel(true));
        ahead.clear();
        workers.shutdownNow();
    }
}
