package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.PredictAgeRequest;
import io.prosface.grpc.v1.ResolvedHead;
import io.prosface.grpc.v1.Task;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The random test model has no {@code age} head: the default answer simply leaves age out, and asking for age is
 * INVALID_ARGUMENT (HTTP 400) with a message that names the missing head.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class AgeWithoutHeadTest {

    private static final String MISSING = "built-in regression head 'age'";

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @Test
    void defaultAnalyzeOfTheLfpwFaceLeavesAgeOutOverRestAndGrpc() {
        JsonPath rest = given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> face = rest.getMap("faces[0]");
        FaceAssertions.assertJsonFace(face, true, true, true, true);
        assertFalse(face.containsKey("age"), "no age head, no age: " + face.keySet());
        assertEquals(0, rest.getList("model.heads.findAll { it.task == 'age' }").size());

        AnalyzeResponse grpc = blocking.analyze(AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                .build());
        FaceAssertions.assertProtoFace(grpc.getFaces(0), true, true, true, true);
        assertFalse(grpc.getFaces(0).hasAge());
        assertTrue(grpc.getModel().getHeadsList().stream()
                .map(ResolvedHead::getTask)
                .noneMatch(Task.TASK_AGE::equals));
    }

    @Test
    void askingForAgeOnTheLfpwFaceIsA400NamingTheMissingAgeHead() {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze?tasks=attributes,age")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString(MISSING));
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/age")
                .then()
                .statusCode(400)
                .body("message", containsString(MISSING));
    }

    @Test
    void askingForAgeOnTheLfpwFaceIsInvalidArgumentNamingTheMissingAgeHeadOverGrpc() {
        ByteString image = ByteString.copyFrom(TestImages.lfpwJpeg());
        StatusRuntimeException analyze = assertThrows(
                StatusRuntimeException.class,
                () -> blocking.analyze(AnalyzeRequest.newBuilder()
                        .setImage(image)
                        .addTasks(Task.TASK_AGE)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, analyze.getStatus().getCode());
        assertTrue(
                analyze.getStatus().getDescription().contains(MISSING),
                analyze.getStatus().getDescription());

        StatusRuntimeException predict = assertThrows(
                StatusRuntimeException.class,
                () -> blocking.predictAge(
                        PredictAgeRequest.newBuilder().setImage(image).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, predict.getStatus().getCode());
        assertTrue(
                predict.getStatus().getDescription().contains(MISSING),
                predict.getStatus().getDescription());
    }

    @Test
    void predictAgeOnTheLfpwFaceWithAHeadOfAnotherKindIsInvalidArgument() {
        StatusRuntimeException misfit = assertThrows(
                StatusRuntimeException.class,
                () -> blocking.predictAge(PredictAgeRequest.newBuilder()
                        .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                        .setHead(HeadRef.newBuilder().setName("attributes"))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, misfit.getStatus().getCode());
        assertTrue(
                misfit.getStatus().getDescription().contains("one output"),
                misfit.getStatus().getDescription());
    }
}
