package io.prosface.server.error;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.prosface.core.data.InvalidImageException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The ONE place that turns an exception into what a client sees; the gRPC handler and the HTTP exception mapper both
 * call it, so a failure has the same code on both APIs. Unknown exceptions become INTERNAL with a reference id; their
 * stack trace goes to the log only.
 */
@ApplicationScoped
public class ErrorMapper {

    /** gRPC trailer carrying the Retry-After seconds of RESOURCE_EXHAUSTED / UNAVAILABLE answers. */
    public static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    /** The code {@link #map} would answer, without logging (for metrics). */
    public ErrorCode code(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ServingException serving) {
            return serving.code();
        }
        if (cause instanceof InvalidImageException
                || cause instanceof TimeoutException
                || cause instanceof StatusRuntimeException
                || cause instanceof StatusException
                || cause instanceof RejectedExecutionException) {
            return map(cause).code();
        }
        return ErrorCode.INTERNAL;
    }

    public ApiError map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ServingException serving) {
            return new ApiError(serving.code(), serving.getMessage(), serving.retryAfter());
        }
        if (cause instanceof InvalidImageException invalid) {
            ErrorCode code = invalid.reason() == InvalidImageException.Reason.TOO_MANY_BYTES
                    ? ErrorCode.PAYLOAD_TOO_LARGE
                    : ErrorCode.INVALID_ARGUMENT;
            return new ApiError(code, "invalid image: " + invalid.getMessage(), Optional.empty());
        }
        if (cause instanceof TimeoutException) {
            return new ApiError(ErrorCode.DEADLINE_EXCEEDED, "deadline exceeded", Optional.empty());
        }
        if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
            Status status = Status.fromThrowable(cause);
            return new ApiError(fromGrpc(status.getCode()), String.valueOf(status.getDescription()), Optional.empty());
        }
        if (cause instanceof RejectedExecutionException) {
            return new ApiError(ErrorCode.RESOURCE_EXHAUSTED, "server busy", Optional.empty());
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(cause, "internal error, reference %s", reference);
        return new ApiError(ErrorCode.INTERNAL, "internal error (reference " + reference + ")", Optional.empty());
    }

    /** The gRPC form of {@link #map}: a status with the safe message and, for 429/503, a retry-after trailer. */
    public StatusRuntimeException toGrpc(Throwable failure) {
        ApiError error = map(failure);
        Metadata trailers = new Metadata();
        error.retryAfterSeconds().ifPresent(seconds -> trailers.put(RETRY_AFTER, Long.toString(seconds)));
        return Status.fromCode(error.code().grpcCode())
                .withDescription(error.message())
                .asRuntimeException(trailers);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static ErrorCode fromGrpc(Status.Code code) {
        for (ErrorCode candidate : ErrorCode.values()) {
            if (candidate.grpcCode() == code && candidate != ErrorCode.PAYLOAD_TOO_LARGE) {
                return candidate;
            }
        }
        return ErrorCode.INTERNAL;
    }
}
