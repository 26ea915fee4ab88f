package io.prosface.server.grpc;

import io.grpc.Status;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;

/**
 * Refuses compressed gRPC messages before any byte of them is read. The Vert.x gRPC server inflates a gzip message in
 * full before anything checks its size (its 16 MiB limit applies to the compressed bytes), so 400 KB on the wire can
 * become 400 MiB of heap on an event loop. Images do not compress anyway; the server takes {@code identity} only and
 * says so: a call with another {@code grpc-encoding} is answered UNIMPLEMENTED with {@code grpc-accept-encoding:
 * identity}, as the gRPC spec asks of a server that does not support the client's encoding, and every gRPC answer
 * advertises {@code identity} instead of the Vert.x server's {@code gzip}.
 */
@ApplicationScoped
public class GrpcCompressionFilter {

    static final String ACCEPTED = "identity";
    /** Before the gRPC route and the fine-tuning auth filter: nothing else needs to see such a call. */
    private static final int PRIORITY = 200;

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    private void filter(RoutingContext context) {
        String contentType = context.request().getHeader("content-type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/grpc")) {
            context.next();
            return;
        }
        String encoding = context.request().getHeader("grpc-encoding");
        if (encoding == null || encoding.trim().equalsIgnoreCase(ACCEPTED)) {
            context.addHeadersEndHandler(ignored -> context.response().headers().set("grpc-accept-encoding", ACCEPTED));
            context.next();
            return;
        }
        // a trailers-only answer: HTTP 200 with the status in the only header block; the message is printable ASCII
        // without '%', which the gRPC spec lets through unencoded
        String message = ("grpc-encoding '" + encoding + "' is not accepted: send uncompressed messages "
                + "(grpc-encoding identity)").replaceAll("[^\\x20-\\x7E]|%", "?");
        context.response().setStatusCode(200).putHeader("content-type", "application/grpc")
                .putHeader("grpc-status", Integer.toString(Status.Code.UNIMPLEMENTED.value()))
                .putHeader("grpc-message", message).putHeader("grpc-accept-encoding", ACCEPTED).end();
        // the rest of the message is read and dropped, never inflated: a client still sending it would otherwise wait
        // for a flow-control window that never opens (curl did, for its whole timeout, on the first call after a
        // start). A reset with NO_ERROR (RFC 9113 8.1) made curl drop the answer it had already been sent.
        if (!context.request().isEnded()) {
            context.request().handler(ignored -> { }).resume();
        }
    }
}
