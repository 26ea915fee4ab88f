package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.protobuf.ByteString;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.Checkpoint;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.PredictAgeRequest;
import io.prosface.grpc.v1.PredictAgeResponse;
import io.prosface.grpc.v1.ResolvedHead;
import io.prosface.grpc.v1.Task;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint with a built-in {@code age} regression head serves age as a task of its own: in the default answer of
 * Analyze and POST /v1/analyze, on POST /v1/age and PredictAge, with the value the head computes for the face.
 *
 * <p>This class has a Quarkus app of its own (restricted test resource). Quarkus orders test classes by app, each
 * app's group at the place of its alphabetically first class, and in an app started after the first one gRPC failures
 * come back as INTERNAL (quarkus-grpc keeps the first app's exception handler); so the name sorts after the shared
 * TestCheckpoint group (AgeWithoutHeadTest, BadInputTest, ...), and gRPC error codes are asserted there, not here.
 */
@QuarkusTest
@WithTestResource(value = AgedCheckpoint.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class BuiltInAgeHeadTest {

    /** The client box on the 96x96 noise image. */
    private static final FaceBox BOX = new FaceBox(16, 16, 64, 64);

    private static final String BOX_QUERY = "box=16,16,64,64";
    private static final BoundingBox PROTO_BOX = BoundingBox.newBuilder()
            .setX(16)
            .setY(16)
            .setWidth(64)
            .setHeight(64)
            .build();
    /** REST and gRPC may batch a face with different neighbours; the forward pass is the same up to rounding. */
    private static final float TOLERANCE = 1e-4f;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @Test
    void restAnalyzeOfTheLfpwFaceAnswersAnAgeByDefault() {
        JsonPath answer = given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(1, answer.getList("faces").size(), "one face on the LFPW crop");
        Map<String, Object> face = answer.getMap("faces[0]");
        FaceAssertions.assertJsonFace(face, true, true, true, true);
        assertTrue(Float.isFinite(answer.getFloat("faces[0].age.years")), String.valueOf(face.get("age")));
        assertEquals(
                Map.of("name", "age", "version", "v1"), answer.getMap("model.heads.find { it.task == 'age' }.head"));
        assertEquals(4, answer.getList("model.heads").size(), "attributes, expression, landmarks and age heads");
    }

    @Test
    void grpcAnalyzeOfTheLfpwFaceAnswersAnAgeByDefaultEqualToRest() {
        AnalyzeResponse response = blocking.analyze(AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                .build());
        assertEquals(1, response.getFacesCount());
        Face face = response.getFaces(0);
        FaceAssertions.assertProtoFace(face, true, true, true, true);
        assertTrue(face.hasAge(), "age is a default task when the model has an age head");
        assertTrue(Float.isFinite(face.getAge().getYears()));
        assertTrue(
                response.getModel()
                        .getHeadsList()
                        .contains(ResolvedHead.newBuilder()
                                .setTask(Task.TASK_AGE)
                                .setHead(HeadRef.newBuilder().setName("age").setVersion("v1"))
                                .build()),
                response.getModel().toString());

        float rest = given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/age")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getFloat("faces[0].age.years");
        assertEquals(rest, face.getAge().getYears(), TOLERANCE, "same image, same detector, same head");
    }

    @Test
    void ageRouteAndPredictAgeOnTheNoisePngWithAClientBoxAnswerWhatTheAgeHeadComputes() throws Exception {
        byte[] image = noisePng();
        float expected = headAge(image);

        JsonPath rest = given().contentType("image/png")
                .body(image)
                .when()
                .post("/v1/age?" + BOX_QUERY)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> face = rest.getMap("faces[0]");
        assertEquals(java.util.Set.of("years"), ((Map<?, ?>) face.get("age")).keySet(), "age is {years}");
        FaceAssertions.assertJsonFace(face, false, false, false, false);
        assertFalse(face.containsKey("regression"));
        assertEquals(expected, rest.getFloat("faces[0].age.years"), TOLERANCE);
        assertEquals(
                List.of(Map.of("task", "age", "head", Map.of("name", "age", "version", "v1"))),
                rest.getList("model.heads"));

        PredictAgeResponse grpc = blocking.predictAge(PredictAgeRequest.newBuilder()
                .setImage(ByteString.copyFrom(image))
                .setFaceBox(PROTO_BOX)
                .build());
        assertEquals(1, grpc.getFacesCount());
        Face answered = grpc.getFaces(0);
        FaceAssertions.assertProtoFace(answered, false, false, false, false);
        assertTrue(answered.hasAge());
        assertFalse(answered.hasRegression());
        assertEquals(expected, answered.getAge().getYears(), TOLERANCE);
        assertEquals(Task.TASK_AGE, grpc.getModel().getHeads(0).getTask());
    }

    @Test
    void explicitAgeAndRegressionOnTheNoisePngShareTheAgeHead() throws Exception {
        byte[] image = noisePng();
        float expected = headAge(image);
        JsonPath rest = given().contentType("image/png")
                .body(image)
                .when()
                .post("/v1/analyze?tasks=age,regression&" + BOX_QUERY)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(expected, rest.getFloat("faces[0].age.years"), TOLERANCE);
        assertEquals(1, rest.getList("faces[0].regression.values").size());
        assertEquals("age", rest.getString("faces[0].regression.values[0].name"));
        assertEquals(expected, rest.getFloat("faces[0].regression.values[0].value"), TOLERANCE);

        AnalyzeResponse grpc = blocking.analyze(AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(image))
                .setFaceBox(PROTO_BOX)
                .addTasks(Task.TASK_AGE)
                .setAgeHead(HeadRef.newBuilder().setName("age").setVersion("v1"))
                .build());
        assertEquals(expected, grpc.getFaces(0).getAge().getYears(), TOLERANCE);
        assertFalse(grpc.getFaces(0).hasAttributes(), "only the asked task");
    }

    @Test
    void restHeadParameterNamingTheAgeHeadAnswersAgeOnTheNoisePng() throws Exception {
        byte[] image = noisePng();
        // REST's untyped head parameter: a regression head in a request for age (not regression) answers age
        given().contentType("image/png")
                .body(image)
                .when()
                .post("/v1/age?head=age@v1&" + BOX_QUERY)
                .then()
                .statusCode(200)
                .body("model.heads[0].task", equalTo("age"))
                .body("faces[0].age.years", notNullValue());
        // a head of another kind does not fit the age task (REST: the status mapping is the same in any app)
        given().contentType("image/png")
                .body(image)
                .when()
                .post("/v1/analyze?tasks=age&head=attributes&" + BOX_QUERY)
                .then()
                .statusCode(400);
    }

    /** The age the checkpoint's head computes for {@link #BOX} of {@code image}: prefix -> backbone -> age head. */
    private static float headAge(byte[] image) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = Checkpoint.load(AgedCheckpoint.DIRECTORY, manager);
            ParameterStore store = new ParameterStore(manager, false);
            float[] pixels = new FacePreprocessor(checkpoint.config().preprocessing(), ImageDecoder.withDefaultLimits())
                    .prepare(image, BOX)
                    .pixels();
            NDArray images = FacePreprocessor.stack(manager, List.of(pixels), 32);
            NDList features = checkpoint.backbone().forward(store, new NDList(images), false);
            float[] output = checkpoint
                    .heads()
                    .get("age")
                    .forward(store, features, false)
                    .head()
                    .toFloatArray();
            assertEquals(1, output.length, "one output: years");
            return output[0];
        }
    }

    /** Lossless random colours: the server and the test decode exactly the same pixels. */
    private static byte[] noisePng() {
        BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(11);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return TestImages.encode(image, "png");
    }
}
