package io.prosface.server.inference.batching;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** One queued input with its deadline and the future its caller waits on. */
final class Pending<I, O> {

    final I input;
    final long enqueuedNanos;
    final long deadlineNanos;
    final CompletableFuture<Batched<O>> result = new CompletableFuture<>();
    /**
     * Taken exactly once: by the worker that puts the item into a batch, or by the deadline timer / a cancellation
     * that drops it from the queue. Whoever loses the race leaves the item alone, so a dropped item is never
     * computed and a computed one is never dropped twice.
     */
    private final AtomicBoolean taken = new AtomicBoolean();

    volatile ScheduledFuture<?> deadlineTimer;

    Pending(I input, long enqueuedNanos, long deadlineNanos) {
        this.input = input;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /** True for the one caller that takes the item (to compute it or to drop it). */
    boolean take() {
        return taken.compareAndSet(false, true);
    }
}
