package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeStreamRequest;
import io.prosface.grpc.v1.AnalyzeStreamResponse;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.Task;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests that are malformed in a way the server must not blame on itself: each gets 400 / INVALID_ARGUMENT naming
 * the parameter or the problem (not 404, 500 or an instant 504), and the server answers a good request right after.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class MalformedRequestTest {

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    private static void assertBadParameter(String query, String parameter) {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160&" + query)
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString(parameter));
        goodRestRequest();
    }

    @Test
    void maxFacesAbc() {
        assertBadParameter("max_faces=abc", "max_faces");
    }

    @Test
    void maxFaces99999999999() {
        assertBadParameter("max_faces=99999999999", "max_faces");
    }

    @Test
    void timeoutMs9223372036854775807() {
        assertBadParameter("timeout_ms=9223372036854775807", "timeout_ms");
    }

    @Test
    void timeoutMsAbc() {
        assertBadParameter("timeout_ms=abc", "timeout_ms");
    }

    @Test
    void xTimeoutMsHeader9223372036854775807() {
        given().contentType("image/jpeg")
                .header("X-Timeout-Ms", Long.toString(Long.MAX_VALUE))
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("X-Timeout-Ms"));
        goodRestRequest();
    }

    @Test
    void protobufBodyThatDoesNotDecode() {
        // field 1 (image) announces 5 bytes and the message ends after 1: protobuf's "truncated message"
        byte[] truncated = {0x0A, 0x05, 0x01};
        StatusRuntimeException failure = assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        blocking.getChannel(), RawAnalyze.METHOD, CallOptions.DEFAULT, truncated));
        assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode(), String.valueOf(failure.getStatus()));
        assertTrue(
                String.valueOf(failure.getStatus().getDescription()).contains("pros.v1.AnalyzeRequest"),
                failure.getStatus().getDescription());
        goodGrpcRequest();
    }

    @Test
    void aStreamFrameThatDoesNotDecodeIsAnsweredWithItsFrameIdAndSequenceAndTheStreamGoesOn() throws Exception {
        AnalyzeRequest good = AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                .setFaceBox(
                        BoundingBox.newBuilder().setX(20).setY(20).setWidth(150).setHeight(160))
                .addTasks(Task.TASK_EXPRESSION)
                .build();
        // frame_id 11 (field 1), then field 2 (the request) announces 5 bytes and the message ends after 1
        byte[] truncated = {0x08, 0x0B, 0x12, 0x05, 0x01};
        List<byte[]> frames = List.of(
                AnalyzeStreamRequest.newBuilder()
                        .setFrameId(10)
                        .setRequest(good)
                        .build()
                        .toByteArray(),
                truncated,
                AnalyzeStreamRequest.newBuilder()
                        .setFrameId(12)
                        .setRequest(good)
                        .build()
                        .toByteArray(),
                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, // not even a field tag: no frame_id to read
                AnalyzeStreamRequest.newBuilder()
                        .setFrameId(14)
                        .setRequest(good)
                        .build()
                        .toByteArray());
        List<AnalyzeStreamResponse> answers = new CopyOnWriteArrayList<>();
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                blocking.getChannel()
                        .newCall(RawAnalyze.STREAM, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] answer) {
                        try {
                            answers.add(AnalyzeStreamResponse.parseFrom(answer));
                        } catch (InvalidProtocolBufferException impossible) {
                            end.completeExceptionally(impossible);
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        end.complete(Status.fromThrowable(failure));
                    }

                    @Override
                    public void onCompleted() {
                        end.complete(Status.OK);
                    }
                });
        frames.forEach(requests::onNext);
        requests.onCompleted();
        assertEquals(Status.Code.OK, end.get(60, TimeUnit.SECONDS).getCode(), "the stream ends normally");

        assertEquals(
                List.of(0L, 1L, 2L, 3L, 4L),
                answers.stream().map(AnalyzeStreamResponse::getSequence).toList(),
                "one answer per frame, in order, each with its position");
        assertEquals(
                List.of(10L, 11L, 12L, 0L, 14L),
                answers.stream().map(AnalyzeStreamResponse::getFrameId).toList(),
                "frame ids, read from the broken frame where it precedes the damage");
        for (int index : new int[] {1, 3}) {
            AnalyzeStreamResponse broken = answers.get(index);
            assertFalse(broken.hasResponse());
            assertEquals(Status.Code.INVALID_ARGUMENT.value(), broken.getError().getCode());
            assertTrue(
                    broken.getError()
                            .getMessage()
                            .contains("request " + index
                                    + " of the stream does not decode as pros.v1.AnalyzeStreamRequest"),
                    broken.getError().getMessage());
        }
        for (int index : new int[] {0, 2, 4}) {
            assertEquals(1, answers.get(index).getResponse().getFacesCount(), "frame " + index + " is analysed");
        }
    }

    static void goodRestRequest() {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160")
                .then()
                .statusCode(200)
                .body("faces", hasSize(1));
    }

    private void goodGrpcRequest() {
        assertEquals(
                1,
                blocking.analyze(AnalyzeRequest.newBuilder()
                                .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                                .setFaceBox(BoundingBox.newBuilder()
                                        .setX(20)
                                        .setY(20)
                                        .setWidth(150)
                                        .setHeight(160))
                                .addTasks(Task.TASK_EXPRESSION)
                                .build())
                        .getFacesCount());
    }
}
