package io.prosface.server.grpc;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.error.ServingException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Answers a unary request whose message did not decode with INVALID_ARGUMENT instead of INTERNAL. The Vert.x gRPC
 * bridge drops a message its protobuf parser refuses (the parser's error ends up in the event loop's log) and then
 * delivers the half-close, and grpc-java's unary handler answers a half-close without a request INTERNAL ("Half-closed
 * without a request"). Both cases, a message that does not decode and no message at all, are the client's.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcRequestDecoding implements ServerInterceptor {

    private final ErrorMapper errorMapper;

    @Inject
    GrpcRequestDecoding(ErrorMapper errorMapper) {
        this.errorMapper = errorMapper;
    }

    @Override
    public <RequestT, ResponseT> ServerCall.Listener<RequestT> interceptCall(
            ServerCall<RequestT, ResponseT> call, Metadata headers, ServerCallHandler<RequestT, ResponseT> next) {
        ServerCall.Listener<RequestT> listener = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return listener; // a stream may end without a message
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean received;

            @Override
            public void onMessage(RequestT message) {
                received = true;
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (received) {
                    super.onHalfClose();
                    return;
                }
                StatusRuntimeException refused = errorMapper.toGrpc(ServingException.invalidArgument(
                        "the request has no message, or one that does not decode as " + requestType(call)));
                try {
                    call.close(refused.getStatus(), refused.getTrailers());
                } catch (IllegalStateException alreadyClosed) {
                    // cancelled or answered meanwhile: nothing left to say
                }
            }
        };
    }

    private static String requestType(ServerCall<?, ?> call) {
        MethodDescriptor.Marshaller<?> marshaller = call.getMethodDescriptor().getRequestMarshaller();
        if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> prototype
                && prototype.getMessagePrototype() instanceof Message message) {
            return message.getDescriptorForType().getFullName();
        }
        return "the method's request type";
    }
}
