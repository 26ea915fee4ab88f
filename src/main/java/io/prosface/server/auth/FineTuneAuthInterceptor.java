package io.prosface.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.error.ServingException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * The gRPC side of {@link ApiKeys} for the FineTuning service: {@code authorization: Bearer <key>} metadata;
 * CancelJob, PromoteHead and DeleteHead need the admin role, the other RPCs the read role. Refusals close the call
 * with UNAUTHENTICATED / PERMISSION_DENIED before the service sees it.
 */
@ApplicationScoped
public class FineTuneAuthInterceptor implements ServerInterceptor {

    public static final Context.Key<ApiKeys.Caller> CALLER = Context.key("pros-finetune-caller");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> ADMIN_METHODS = Set.of("CancelJob", "PromoteHead", "DeleteHead");

    private final ApiKeys keys;
    private final ErrorMapper errorMapper;

    @Inject
    FineTuneAuthInterceptor(ApiKeys keys, ErrorMapper errorMapper) {
        this.keys = keys;
        this.errorMapper = errorMapper;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        ApiKeys.Role role = ADMIN_METHODS.contains(method) ? ApiKeys.Role.ADMIN : ApiKeys.Role.READ;
        try {
            ApiKeys.Caller caller = keys.require(headers.get(AUTHORIZATION), role);
            return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
        } catch (ServingException refused) {
            StatusRuntimeException status = errorMapper.toGrpc(refused);
            call.close(status.getStatus(), status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
    }
}
