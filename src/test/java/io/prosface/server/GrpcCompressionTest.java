package io.prosface.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compressed gRPC messages, sent with a raw HTTP/2 client so the test controls every byte: the server must not inflate
 * what a client sends (a small gzip stream can inflate to any size) and answers UNIMPLEMENTED, naming the encodings
 * it accepts, as the gRPC spec asks for an encoding a server does not support. The server keeps serving.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class GrpcCompressionTest {

    @Inject
    Vertx vertx;

    private HttpClient client;

    @BeforeEach
    void connect() {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("localhost")
                .setDefaultPort(RestAssured.port));
    }

    @AfterEach
    void close() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** What the server answered: grpc-status and grpc-message (from the headers or the trailers), and its headers. */
    record Answer(int httpStatus, Status.Code code, String message, String acceptEncoding) {}

    @Test
    void gzipMessageInflatingTo64MiB() throws Exception {
        byte[] bomb = gzipOfZeros(64 << 20);
        assertTrue(bomb.length < 200_000, "a small message on the wire: " + bomb.length);
        Answer answer = analyze("gzip", frame(true, bomb));
        assertEquals(Status.Code.UNIMPLEMENTED, answer.code(), answer.toString());
        assertTrue(answer.message().contains("gzip") && answer.message().contains("identity"), answer.message());
        assertEquals("identity", answer.acceptEncoding(), answer.toString());
        MalformedRequestTest.goodRestRequest();
    }

    /**
     * The answer comes while the client is still sending (more than one flow-control window, so the message cannot
     * have ended before the refusal); once it has sent its last frame the server sends one more, a PING, because
     * curl 7.88 notices that such an exchange is over only when a frame arrives after its last one (without it, one
     * call in five to ten waited out curl's whole timeout).
     */
    @Test
    void clientAnsweredWhileSendingHearsFromTheServerAfterItsLastFrame() throws Exception {
        byte[] bomb = gzipOfZeros(256 << 20);
        assertTrue(bomb.length > 65_535, "more than one flow-control window: " + bomb.length);
        CompletableFuture<Buffer> ping = new CompletableFuture<>();
        Answer answer = analyze("gzip", frame(true, bomb), ping);
        assertEquals(Status.Code.UNIMPLEMENTED, answer.code(), answer.toString());
        ping.get(10, TimeUnit.SECONDS);
        MalformedRequestTest.goodRestRequest();
    }

    @Test
    void compressedFlagWithoutAGrpcEncodingHeader() throws Exception {
        Answer answer = analyze(null, frame(true, gzipOfZeros(1024)));
        assertEquals(Status.Code.INVALID_ARGUMENT, answer.code(), answer.toString());
        assertTrue(answer.message().contains("does not decode"), answer.message());
        // an uncompressed call is let through, and the answer advertises only what the server accepts
        assertEquals("identity", answer.acceptEncoding(), answer.toString());
        MalformedRequestTest.goodRestRequest();
    }

    private Answer analyze(String encoding, Buffer body) throws Exception {
        return analyze(encoding, body, new CompletableFuture<>());
    }

    /** As {@link #analyze(String, Buffer)}; {@code ping} gets the first PING the server sends on the connection. */
    private Answer analyze(String encoding, Buffer body, CompletableFuture<Buffer> ping) throws Exception {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI("/pros.v1.FaceAnalysis/Analyze")
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers");
        if (encoding != null) {
            options.putHeader("grpc-encoding", encoding);
        }
        return client.request(options)
                .compose(request -> {
                    request.connection().pingHandler(ping::complete);
                    return request.send(body);
                })
                .compose(response -> response.body().map(ignored -> {
                    Map.Entry<String, String> status = grpcStatus(
                            response.headers().get("grpc-status"),
                            response.headers().get("grpc-message"),
                            response.trailers().get("grpc-status"),
                            response.trailers().get("grpc-message"));
                    return new Answer(
                            response.statusCode(),
                            Status.fromCodeValue(Integer.parseInt(status.getKey()))
                                    .getCode(),
                            URLDecoder.decode(status.getValue(), StandardCharsets.UTF_8),
                            response.headers().get("grpc-accept-encoding"));
                }))
                .toCompletionStage()
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    private static Map.Entry<String, String> grpcStatus(
            String headerStatus, String headerMessage, String trailerStatus, String trailerMessage) {
        return headerStatus != null
                ? Map.entry(headerStatus, String.valueOf(headerMessage))
                : Map.entry(String.valueOf(trailerStatus), String.valueOf(trailerMessage));
    }

    /** One gRPC length-prefixed message: flag byte, 4-byte big-endian length, payload. */
    private static Buffer frame(boolean compressed, byte[] payload) {
        return Buffer.buffer()
                .appendByte((byte) (compressed ? 1 : 0))
                .appendInt(payload.length)
                .appendBytes(payload);
    }

    private static byte[] gzipOfZeros(int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int written = 0; written < size; written += zeros.length) {
                gzip.write(zeros, 0, Math.min(zeros.length, size - written));
            }
        }
        return out.toByteArray();
    }
}
