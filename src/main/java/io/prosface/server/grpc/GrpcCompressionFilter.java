package io.prosface.server.grpc;

import io.grpc.Status;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;

/**
 * Refuses compressed gRPC messages before any byte of them is inflated. The Vert.x gRPC server inflates a gzip message
 * in full before anything checks its size (its 16 MiB limit applies to the compressed bytes), so 400 KB on the wire can
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
                        + "(grpc-encoding identity)")
                .replaceAll("[^\\x20-\\x7E]|%", "?");
        context.response()
                .setStatusCode(200)
                .putHeader("content-type", "application/grpc")
                .putHeader("grpc-status", Integer.toString(Status.Code.UNIMPLEMENTED.value()))
                .putHeader("grpc-message", message)
                .putHeader("grpc-accept-encoding", ACCEPTED)
                .end();
        // The answer is complete before the request is (RFC 9113 8.1 allows that); the rest of the message is read and
        // dropped, never inflated, so the client's flow-control window keeps opening until it has sent everything. A
        // reset with NO_ERROR, which 8.1 offers to stop the upload, made curl drop the answer it had already been
        // sent. Curl (7.88) notices that such an exchange is over only when a frame arrives after its last DATA frame,
        // and none need come: the bytes of the last frames go back to the connection window when the stream closes,
        // and Netty sends a WINDOW_UPDATE only once half the window has been used since the last one, so one call in
        // five to ten waited out curl's whole timeout. A PING once the request has ended is that frame, always.
        HttpServerRequest request = context.request();
        if (!request.isEnded()) {
            request.handler(ignored -> {})
                    .endHandler(ignored -> {
                        if (request.version() == HttpVersion.HTTP_2) {
                            request.connection().ping(Buffer.buffer(8).appendLong(request.streamId()));
                        }
                    })
                    .resume();
        }
    }
}
