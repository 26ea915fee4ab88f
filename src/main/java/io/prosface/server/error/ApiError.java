package io.prosface.server.error;

import java.time.Duration;
import java.util.Optional;

/**
 * What the client is told about a failure: the code, a message that is safe to show (never a stack trace), and for
 * 429/503 how long to wait before retrying.
 */
public record ApiError(ErrorCode code, String message, Optional<Duration> retryAfter) {

    /** Whole seconds for a {@code Retry-After} header (at least 1: "0" would invite an immediate retry storm). */
    public Optional<Long> retryAfterSeconds() {
        return retryAfter.map(duration -> Math.max(1L, (duration.toMillis() + 999) / 1000));
    }
}
