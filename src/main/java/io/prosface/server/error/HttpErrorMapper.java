package io.prosface.server.error;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The HTTP side of {@link ErrorMapper}: every failure of a REST route becomes a JSON body
 * {@code {"code": "...", "message": "..."}} with the matching status and, for 429/503, a {@code Retry-After} header.
 */
public class HttpErrorMapper {

    /** JSON error body; {@code code} is the gRPC-style name so clients of both APIs match on the same strings. */
    public record ErrorBody(String code, String message) {}

    private static final String MULTIPART_PARSER = "org.jboss.resteasy.reactive.server.core.multipart.";

    private final ErrorMapper errorMapper;

    @Inject
    HttpErrorMapper(ErrorMapper errorMapper) {
        this.errorMapper = errorMapper;
    }

    @ServerExceptionMapper
    public Response map(Throwable failure) {
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() != 500) {
            // JAX-RS's own answers (unknown route 404, wrong media type 415, 413 of the body limit, ...) keep their
            // status; the body still has our shape
            Response original = web.getResponse();
            return Response.status(original.getStatus())
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorBody(statusName(original.getStatus()), web.getMessage()))
                    .build();
        }
        ApiError error = errorMapper.map(
                isMultipartParsing(failure)
                        ? ServingException.invalidArgument(
                                "the body is not valid multipart/form-data: it ends before its "
                                        + "closing boundary, or its boundary is not the one the Content-Type header names")
                        : failure);
        Response.ResponseBuilder response = Response.status(error.code().httpStatus())
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody(error.code().name(), error.message()));
        error.retryAfterSeconds().ifPresent(seconds -> response.header("Retry-After", seconds));
        return response.build();
    }

    /**
     * RESTEasy Reactive's multipart parser reports a body that does not match its {@code multipart/form-data} header
     * as an IOException ("Connection terminated parsing multipart request"): the client's malformed body, not ours.
     */
    private static boolean isMultipartParsing(Throwable failure) {
        if (!(failure instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith(MULTIPART_PARSER);
    }

    private static String statusName(int status) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.httpStatus() == status) {
                return code.name();
            }
        }
        return Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).name()
                : "HTTP_" + status;
    }
}
