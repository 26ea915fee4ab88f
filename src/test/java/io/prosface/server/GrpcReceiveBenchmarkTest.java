package io.prosface.server;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.quarkus.grpc.GrpcClient;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints what receiving one large gRPC message costs the server: wall time of the call and CPU time of the Vert.x
 * event loops, for a grpc-java client (frames as its flow control makes them) and for a raw HTTP/2 client that writes
 * the message in 1 KB DATA frames (what a hostile client may do). The image is over pros.input.max-image-bytes or not
 * an image, so the answer comes straight after the message is received: the time is the receive path. Asserts
 * nothing. Off by default:
 * {@code mvn -o surefire:test@quarkus-tests -Dtest=GrpcReceiveBenchmarkTest -Dbenchmark=true}.
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class GrpcReceiveBenchmarkTest {

    private static final int[] SIZES = {2_000_000, 8_000_000, 16_000_000};

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @Inject
    Vertx vertx;

    @Test
    void printsReceiveCostByMessageSize() throws Exception {
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            for (int size : SIZES) {
                AnalyzeRequest request = AnalyzeRequest.newBuilder()
                        .setImage(ByteString.copyFrom(randomBytes(size)))
                        .build();
                long cpu = SmallFrameGrpc.eventLoopCpuNanos();
                long start = System.nanoTime();
                try {
                    blocking.withDeadlineAfter(120, TimeUnit.SECONDS).analyze(request);
                } catch (StatusRuntimeException expected) {
                    // PAYLOAD_TOO_LARGE / INVALID_ARGUMENT: the image is never analysed
                }
                print("grpc-java client", round, size, start, cpu);
            }
        }
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("localhost")
                .setDefaultPort(RestAssured.port));
        try {
            for (String sizeText : System.getProperty("benchmark.raw-sizes", "1000000,2000000,4000000")
                    .split(",")) {
                int size = Integer.parseInt(sizeText.trim());
                byte[] message = AnalyzeRequest.newBuilder()
                        .setImage(ByteString.copyFrom(randomBytes(size)))
                        .build()
                        .toByteArray();
                long cpu = SmallFrameGrpc.eventLoopCpuNanos();
                long start = System.nanoTime();
                try {
                    SmallFrameGrpc.analyze(client, message, 1024)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(120, TimeUnit.SECONDS);
                    print("raw HTTP/2, 1 KB frames", 1, size, start, cpu);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException failed) {
                    print("raw HTTP/2 FAILED " + failed, 1, size, start, cpu);
                }
            }
        } finally {
            client.close();
        }
    }

    private static void print(String client, int round, int size, long start, long cpu) {
        System.out.printf(
                "grpc receive | %-24s | round %d | %5.1f MB | wall %7.3f s | event-loop CPU %7.3f s%n",
                client,
                round,
                size / 1e6,
                (System.nanoTime() - start) / 1e9,
                (SmallFrameGrpc.eventLoopCpuNanos() - cpu) / 1e9);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
