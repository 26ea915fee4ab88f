package io.prosface.server.inference.analysis;

import io.prosface.server.error.ServingException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The heap that decoded images may hold at once, shared by all requests, fine-tuning uploads and jobs
 * ({@link ImageDecoding}): a fair semaphore of KiB. Each request takes
 * its image's {@link io.prosface.core.data.DecodePlan#decodedBytes()} before decoding and gives it back when it is
 * answered, so a burst of small files that decode large waits, then is refused with 429, instead of running the
 * server out of memory.
 */
final class DecodeBudget {

    /** A share of the budget; {@link #close()} gives it back, once, however often it is called. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    private final Semaphore kibibytes;
    private final int totalKibibytes;
    private final Duration retryAfter;

    DecodeBudget(long bytes, Duration retryAfter) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("decode memory budget must be at least 1024 bytes, got " + bytes);
        }
        this.totalKibibytes = (int) Math.min(Integer.MAX_VALUE, bytes / 1024);
        this.kibibytes = new Semaphore(totalKibibytes, true); // fair: a large image is not overtaken forever
        this.retryAfter = retryAfter;
    }

    /** KiB free right now (for tests and metrics). */
    long availableBytes() {
        return (long) kibibytes.availablePermits() * 1024;
    }

    /**
     * Takes {@code bytes} (capped at the whole budget), waiting at most {@code waitNanos}; otherwise throws
     * RESOURCE_EXHAUSTED naming the budget, or DEADLINE_EXCEEDED when it was the request's deadline that ran out.
     */
    Lease acquire(long bytes, long waitNanos, long deadlineNanos) {
        int wanted = (int) Math.min(totalKibibytes, Math.max(1, (bytes + 1023) / 1024));
        long untilDeadline = deadlineNanos - System.nanoTime();
        long wait = Math.max(0, Math.min(waitNanos, untilDeadline));
        boolean acquired;
        try {
            acquired = kibibytes.tryAcquire(wanted, wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw ServingException.unavailable("shutting down", retryAfter);
        }
        if (!acquired) {
            if (untilDeadline <= waitNanos) {
                throw ServingException.deadlineExceeded(
                        "deadline exceeded while waiting for memory to decode the image");
            }
            throw ServingException.queueFull(
                    "decode memory budget (pros.input.decode-memory-budget, "
                            + mebibytes(totalKibibytes * 1024L) + ") is in use by other requests; this image needs "
                            + mebibytes(bytes) + " once decoded",
                    retryAfter);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                kibibytes.release(wanted);
            }
        };
    }

    private static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
