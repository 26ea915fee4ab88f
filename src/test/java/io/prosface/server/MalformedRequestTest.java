package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.Task;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
        given().contentType("image/jpeg").body(TestImages.lfpwJpeg())
                .when().post("/v1/expression?box=20,20,150,160&" + query)
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
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
        given().contentType("image/jpeg").header("X-Timeout-Ms", Long.toString(Long.MAX_VALUE))
                .body(TestImages.lfpwJpeg()).when().post("/v1/expression?box=20,20,150,160")
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("X-Timeout-Ms"));
        goodRestRequest();
    }

    @Test
    void protobufBodyThatDoesNotDecode() {
        // field 1 (image) announces 5 bytes and the message ends after 1: protobuf's "truncated message"
        byte[] truncated = {0x0A, 0x05, 0x01};
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                blocking.getChannel(), RawAnalyze.METHOD, CallOptions.DEFAULT, truncated));
        assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode(), String.valueOf(failure.getStatus()));
        assertTrue(String.valueOf(failure.getStatus().getDescription()).contains("pros.v1.AnalyzeRequest"),
                failure.getStatus().getDescription());
        goodGrpcRequest();
    }

    static void goodRestRequest() {
        given().contentType("image/jpeg").body(TestImages.lfpwJpeg())
                .when().post("/v1/expression?box=20,20,150,160")
                .then().statusCode(200).body("faces", hasSize(1));
    }

    private void goodGrpcRequest() {
        assertEquals(1, blocking.analyze(AnalyzeRequest.newBuilder().setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                .setFaceBox(BoundingBox.newBuilder().setX(20).setY(20).setWidth(150).setHeight(160))
                .addTasks(Task.TASK_EXPRESSION).build()).getFacesCount());
    }
}
