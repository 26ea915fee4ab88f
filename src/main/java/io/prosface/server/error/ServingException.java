package io.prosface.server.error;

import java.time.Duration;
import java.util.Optional;

/** A failure the client caused or must react to; its message is safe to show to the client. */
public class ServingException extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;

    public ServingException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ServingException(ErrorCode code, String message, Duration retryAfter) {
        // no stack trace: these are expected answers, not bugs, and some are frequent under load
        super(message, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public static ServingException invalidArgument(String message) {
        return new ServingException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static ServingException notFound(String message) {
        return new ServingException(ErrorCode.NOT_FOUND, message);
    }

    public static ServingException tooLarge(String message) {
        return new ServingException(ErrorCode.PAYLOAD_TOO_LARGE, message);
    }

    public static ServingException queueFull(String message, Duration retryAfter) {
        return new ServingException(ErrorCode.RESOURCE_EXHAUSTED, message, retryAfter);
    }

    public static ServingException unavailable(String message, Duration retryAfter) {
        return new ServingException(ErrorCode.UNAVAILABLE, message, retryAfter);
    }

    public static ServingException deadlineExceeded(String message) {
        return new ServingException(ErrorCode.DEADLINE_EXCEEDED, message);
    }

    public ErrorCode code() {
        return code;
    }

    /** How long the client should wait before retrying (429 and 503 answers). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
