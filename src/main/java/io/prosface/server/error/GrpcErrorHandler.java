package io.prosface.server.error;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Replaces quarkus-grpc's default exception handling so every gRPC failure goes through {@link ErrorMapper}: the
 * failures of returned Uni/Multi ({@link #transform}) and exceptions thrown while a call is being dispatched
 * ({@link #createHandler}).
 */
@ApplicationScoped
public class GrpcErrorHandler implements ExceptionHandlerProvider {

    private final ErrorMapper errorMapper;

    @Inject
    GrpcErrorHandler(ErrorMapper errorMapper) {
        this.errorMapper = errorMapper;
    }

    @Override
    public <RequestT, ResponseT> ExceptionHandler<RequestT, ResponseT> createHandler(
            ServerCall.Listener<RequestT> listener, ServerCall<RequestT, ResponseT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(
                    Throwable failure, ServerCall<RequestT, ResponseT> serverCall, Metadata headers) {
                StatusRuntimeException status = errorMapper.toGrpc(failure);
                try {
                    serverCall.close(status.getStatus(), status.getTrailers());
                } catch (IllegalStateException alreadyClosed) {
                    // the call was answered or cancelled in the meantime: nothing left to tell the client
                }
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        return errorMapper.toGrpc(failure);
    }
}
