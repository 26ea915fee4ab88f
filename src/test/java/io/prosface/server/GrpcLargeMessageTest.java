package io.prosface.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import jakarta.inject.Inject;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A large gRPC message sent in many small HTTP/2 frames must cost the server work in proportion to its size. Vert.x
 * gRPC up to 4.5.27 copied everything received so far on every frame while a message was incomplete: 4 MB in 1 KB
 * frames made about 8 GB of copies on an event loop (seconds of CPU, quadratic in the size, from any unauthenticated
 * client). The measure is the bytes the event loops allocate while the call runs, which counts copies exactly and
 * does not depend on how fast this machine is.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class GrpcLargeMessageTest {

    private static final int MESSAGE_BYTES = 4_000_000;
    /** Receiving, framing and parsing a message may touch it a few times, never once per frame. */
    private static final long ALLOWED_BYTES_PER_MESSAGE_BYTE = 16;

    @Inject
    Vertx vertx;

    @Test
    void aFourMegabyteMessageInOneKilobyteFrames() throws Exception {
        byte[] notAnImage = new byte[MESSAGE_BYTES - 10];
        new Random(4).nextBytes(notAnImage);
        byte[] message = AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(notAnImage))
                .build()
                .toByteArray();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("localhost")
                .setDefaultPort(RestAssured.port));
        try {
            long allocatedBefore = SmallFrameGrpc.eventLoopAllocatedBytes();
            String status = SmallFrameGrpc.analyze(client, message, 1024)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
            long allocated = SmallFrameGrpc.eventLoopAllocatedBytes() - allocatedBefore;
            // random bytes are no image: the server read the whole message and said so
            assertEquals(Status.Code.INVALID_ARGUMENT.value(), Integer.parseInt(status), "grpc-status");
            assertTrue(
                    allocated < ALLOWED_BYTES_PER_MESSAGE_BYTE * message.length,
                    String.format(
                            "the event loops allocated %.1f MB to receive a %.1f MB message (at most %d× its size expected)",
                            allocated / 1e6, message.length / 1e6, ALLOWED_BYTES_PER_MESSAGE_BYTE));
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        MalformedRequestTest.goodRestRequest();
    }
}
