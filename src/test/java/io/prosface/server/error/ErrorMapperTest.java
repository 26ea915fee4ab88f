package io.prosface.server.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.prosface.core.data.InvalidImageException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one exception-to-status mapping, for both APIs: every code, retry hints, and no internals leaked. */
class ErrorMapperTest {

    private final ErrorMapper mapper = new ErrorMapper();
    private final HttpErrorMapper http = new HttpErrorMapper(mapper);
    private final GrpcErrorHandler grpc = new GrpcErrorHandler(mapper);

    static Stream<Arguments> failures() {
        Duration wait = Duration.ofMillis(1500);
        return Stream.of(
                Arguments.of(ServingException.invalidArgument("bad box"), 400, Status.Code.INVALID_ARGUMENT, null),
                Arguments.of(
                        new InvalidImageException(InvalidImageException.Reason.CORRUPT, "truncated"),
                        400,
                        Status.Code.INVALID_ARGUMENT,
                        null),
                Arguments.of(
                        new InvalidImageException(InvalidImageException.Reason.TOO_MANY_PIXELS, "50000x50000"),
                        400,
                        Status.Code.INVALID_ARGUMENT,
                        null),
                Arguments.of(ServingException.notFound("unknown head"), 404, Status.Code.NOT_FOUND, null),
                Arguments.of(ServingException.tooLarge("11 MB"), 413, Status.Code.RESOURCE_EXHAUSTED, null),
                Arguments.of(
                        new InvalidImageException(InvalidImageException.Reason.TOO_MANY_BYTES, "11 MB"),
                        413,
                        Status.Code.RESOURCE_EXHAUSTED,
                        null),
                Arguments.of(ServingException.queueFull("queue full", wait), 429, Status.Code.RESOURCE_EXHAUSTED, "2"),
                Arguments.of(new IllegalStateException("secret internals"), 500, Status.Code.INTERNAL, null),
                Arguments.of(ServingException.unavailable("shutting down", wait), 503, Status.Code.UNAVAILABLE, "2"),
                Arguments.of(ServingException.deadlineExceeded("late"), 504, Status.Code.DEADLINE_EXCEEDED, null),
                Arguments.of(new TimeoutException(), 504, Status.Code.DEADLINE_EXCEEDED, null),
                Arguments.of(
                        new CompletionException(ServingException.notFound("wrapped")),
                        404,
                        Status.Code.NOT_FOUND,
                        null),
                // fine-tuning and head management: credentials and state conflicts
                Arguments.of(
                        new ServingException(ErrorCode.UNAUTHENTICATED, "missing or invalid credential"),
                        401,
                        Status.Code.UNAUTHENTICATED,
                        null),
                Arguments.of(
                        new ServingException(ErrorCode.PERMISSION_DENIED, "permission denied"),
                        403,
                        Status.Code.PERMISSION_DENIED,
                        null),
                Arguments.of(
                        new ServingException(ErrorCode.FAILED_PRECONDITION, "job already succeeded"),
                        409,
                        Status.Code.FAILED_PRECONDITION,
                        null));
    }

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @MethodSource("failures")
    void bothApisAnswerTheSameCode(Throwable failure, int httpStatus, Status.Code grpcCode, String retryAfter) {
        Response response = http.map(failure);
        assertEquals(httpStatus, response.getStatus());
        assertEquals(retryAfter, response.getHeaderString("Retry-After"));
        HttpErrorMapper.ErrorBody body = (HttpErrorMapper.ErrorBody) response.getEntity();

        StatusRuntimeException status = (StatusRuntimeException) grpc.transform(failure);
        assertEquals(grpcCode, status.getStatus().getCode());
        assertEquals(retryAfter, status.getTrailers().get(ErrorMapper.RETRY_AFTER));
        assertEquals(body.code().equals("PAYLOAD_TOO_LARGE") ? "RESOURCE_EXHAUSTED" : body.code(), grpcCode.name());
        assertEquals(
                grpcCode == Status.Code.RESOURCE_EXHAUSTED && httpStatus == 413
                        ? ErrorCode.PAYLOAD_TOO_LARGE
                        : ErrorCode.valueOf(grpcCode.name()),
                mapper.code(failure));
    }

    @Test
    void everyCodeIsCovered() {
        assertEquals(
                ErrorCode.values().length,
                failures().map(arguments -> arguments.get()[1]).distinct().count());
    }

    @Test
    void internalErrorsLeakNoDetails() {
        Throwable bug = new IllegalStateException("secret internals at /opt/app", new RuntimeException("cause"));
        HttpErrorMapper.ErrorBody body =
                (HttpErrorMapper.ErrorBody) http.map(bug).getEntity();
        assertEquals("INTERNAL", body.code());
        assertFalse(
                body.message().contains("secret")
                        || body.message().contains("Exception")
                        || body.message().contains("at "),
                body.message());
        assertTrue(body.message().startsWith("internal error (reference "));
        Status status = ((StatusRuntimeException) grpc.transform(bug)).getStatus();
        assertFalse(status.getDescription().contains("secret"));
        assertNull(status.getCause(), "no cause travels to the client");
    }

    @Test
    void jaxRsAnswersKeepTheirStatusInOurShape() {
        Response response = http.map(new NotFoundException("no such route"));
        assertEquals(404, response.getStatus());
        assertEquals("NOT_FOUND", ((HttpErrorMapper.ErrorBody) response.getEntity()).code());
    }
}
