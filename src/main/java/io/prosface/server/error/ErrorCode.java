package io.prosface.server.error;

import io.grpc.Status;

/**
 * Every failure a client can see, with its HTTP status and gRPC code side by side so both APIs answer the same
 * situation the same way.
 */
public enum ErrorCode {
    /** Bad request: garbled or unsupported image, bad box, bad parameter. */
    INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT),
    /** An unknown head name or version. */
    NOT_FOUND(404, Status.Code.NOT_FOUND),
    /**
     * The image is larger than the byte limit. gRPC has no 413; it answers RESOURCE_EXHAUSTED for messages over its
     * own limit too, so a gRPC client sees one code for "too big" whichever limit it hit.
     */
    PAYLOAD_TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
    /** The queue is full; retry after the {@code Retry-After} time. */
    RESOURCE_EXHAUSTED(429, Status.Code.RESOURCE_EXHAUSTED),
    /** A bug or an engine failure; details stay in the server log. */
    INTERNAL(500, Status.Code.INTERNAL),
    /** Not ready yet (loading, warming up) or shutting down. */
    UNAVAILABLE(503, Status.Code.UNAVAILABLE),
    /** The request's deadline passed before it was answered. */
    DEADLINE_EXCEEDED(504, Status.Code.DEADLINE_EXCEEDED),
    /** No credential, or one the server does not know (the answer never says which). */
    UNAUTHENTICATED(401, Status.Code.UNAUTHENTICATED),
    /** A known credential without the role the call needs. */
    PERMISSION_DENIED(403, Status.Code.PERMISSION_DENIED),
    /** The target is in the wrong state: cancelling a finished job, deleting the current head version. */
    FAILED_PRECONDITION(409, Status.Code.FAILED_PRECONDITION);

    private final int httpStatus;
    private final Status.Code grpcCode;

    ErrorCode(int httpStatus, Status.Code grpcCode) {
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }
}
