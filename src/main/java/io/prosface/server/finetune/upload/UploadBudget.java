package io.prosface.server.finetune.upload;

import io.prosface.server.error.ServingException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that all uploads in flight on this replica may hold together: their file parts and the entries inflated
 * from their archives. Each upload takes a {@link Lease}, charges it BEFORE it holds the bytes, and closes it when it
 * is stored or refused. A charge that would pass the capacity is refused with 429 and a Retry-After (the upload is not
 * at fault, the server is busy), so however many uploads arrive at once, their bytes cannot fill the heap.
 */
public final class UploadBudget {

    private final long capacity;
    private final Duration retryAfter;
    private final AtomicLong held = new AtomicLong();

    /**
     * @param capacity bytes all leases together may hold
     * @param retryAfter what a refused upload is told to wait
     */
    public UploadBudget(long capacity, Duration retryAfter) {
        this.capacity = capacity;
        this.retryAfter = retryAfter;
    }

    /** A budget that never refuses (tests, and callers that bound memory otherwise). */
    public static UploadBudget unlimited() {
        return new UploadBudget(Long.MAX_VALUE, Duration.ZERO);
    }

    public Lease lease() {
        return new Lease();
    }

    /** Bytes the open leases hold now. */
    public long held() {
        return held.get();
    }

    /** One upload's share; used by one request thread, closed once (try-with-resources). */
    public final class Lease implements AutoCloseable {

        private long charged;

        /** Takes {@code bytes} more from the budget, or refuses the upload with 429 when they are not there. */
        public void charge(long bytes) {
            long before;
            do {
                before = held.get();
                if (bytes > capacity - before) {
                    throw ServingException.queueFull(
                            "uploads in flight on this server hold " + before + " of "
                                    + capacity + " bytes (pros.finetune.upload.max-in-flight-bytes) and this one needs "
                                    + bytes + " more: retry later",
                            retryAfter);
                }
            } while (!held.compareAndSet(before, before + bytes));
            charged += bytes;
        }

        @Override
        public void close() {
            held.addAndGet(-charged);
            charged = 0;
        }
    }
}
