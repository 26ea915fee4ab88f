package io.prosface.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Makes the client's gRPC deadline visible to the service. The Vert.x gRPC server that quarkus-grpc uses on the
 * HTTP port does not turn the {@code grpc-timeout} header into a {@link Context} deadline the way grpc-java's Netty
 * server does, so this interceptor parses the header and stores the absolute deadline ({@link System#nanoTime()}
 * based) in the call's context.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcDeadlines implements ServerInterceptor {

    static final Metadata.Key<String> TIMEOUT_HEADER =
            Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Long> DEADLINE_NANOS = Context.key("pros-deadline-nanos");

    @Override
    public <RequestT, ResponseT> ServerCall.Listener<RequestT> interceptCall(
            ServerCall<RequestT, ResponseT> call, Metadata headers, ServerCallHandler<RequestT, ResponseT> next) {
        OptionalLong timeoutNanos = parseTimeout(headers.get(TIMEOUT_HEADER));
        if (timeoutNanos.isEmpty()) {
            return next.startCall(call, headers);
        }
        Context context = Context.current().withValue(DEADLINE_NANOS, System.nanoTime() + timeoutNanos.getAsLong());
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The current call's deadline as an absolute {@link System#nanoTime()}, if the client set one. */
    public static OptionalLong currentDeadlineNanos() {
        Long deadline = DEADLINE_NANOS.get();
        return deadline == null ? OptionalLong.empty() : OptionalLong.of(deadline);
    }

    /**
     * Parses a {@code grpc-timeout} value: up to 8 digits and a unit, H (hours), M (minutes), S, m, u or n
     * (milli-, micro-, nanoseconds). Malformed values are ignored like a missing header.
     */
    static OptionalLong parseTimeout(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return OptionalLong.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(value.substring(0, value.length() - 1));
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty();
        }
        if (amount < 0) {
            return OptionalLong.empty();
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? OptionalLong.empty() : OptionalLong.of(unit.toNanos(amount));
    }
}
