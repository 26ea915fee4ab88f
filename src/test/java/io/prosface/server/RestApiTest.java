package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prosface.core.data.FaceBox;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every REST route on a real face (raw body and multipart), and a picture without a face. */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class RestApiTest {

    private static JsonPath post(String route, byte[] image, String query) {
        return given().contentType("image/jpeg")
                .body(image)
                .when()
                .post(route + (query.isEmpty() ? "" : "?" + query))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void analyzeAnswersEveryTaskForTheOneDetectedFace() {
        JsonPath answer = post("/v1/analyze", TestImages.lfpwJpeg(), "");
        assertEquals(1, answer.getList("faces").size(), "one face on a typical LFPW crop");
        Map<String, Object> face = answer.getMap("faces[0]");
        assertEquals("detected", face.get("boxSource"));
        FaceAssertions.assertJsonFace(face, true, true, true, true);
        assertEquals("jpeg", answer.getString("image.format"));
        assertEquals(256, answer.getInt("image.width"));
        assertEquals(true, answer.getString("model.backbone").startsWith("vit_micro_patch8_32@"));
        assertEquals(3, answer.getList("model.heads").size(), "attributes, expression and landmarks heads");
    }

    @Test
    void theSingleTaskRoutesAnswerOnlyTheirTask() {
        byte[] image = TestImages.lfpwJpeg();
        FaceAssertions.assertJsonFace(post("/v1/attributes", image, "").getMap("faces[0]"), true, false, false, false);
        FaceAssertions.assertJsonFace(post("/v1/expression", image, "").getMap("faces[0]"), false, true, false, false);
        FaceAssertions.assertJsonFace(post("/v1/landmarks", image, "").getMap("faces[0]"), false, false, true, false);
        FaceAssertions.assertJsonFace(post("/v1/embed", image, "").getMap("faces[0]"), false, false, false, true);
    }

    @Test
    void analyzeTakesTasksAndHeadsAsQueryParameters() {
        JsonPath answer = post("/v1/analyze", TestImages.lfpwJpeg(), "tasks=landmarks,embedding&head=landmarks@v1");
        FaceAssertions.assertJsonFace(answer.getMap("faces[0]"), false, false, true, true);
        assertEquals("landmarks", answer.getString("model.heads[0].head.name"));
        assertEquals("v1", answer.getString("model.heads[0].head.version"));
    }

    @Test
    void aClientBoxSkipsDetectionAndPlacesLandmarksInImagePixels() {
        FaceBox box = FaceBox.enclosing(TestImages.lfpwPoints(TestImages.LFPW_FACE));
        String boxText = box.x() + "," + box.y() + "," + box.width() + "," + box.height();
        JsonPath answer = post("/v1/landmarks", TestImages.lfpwJpeg(), "box=" + boxText);
        Map<String, Object> face = answer.getMap("faces[0]");
        assertEquals("client", face.get("boxSource"));
        assertEquals(0f, ((Number) face.get("detectionScore")).floatValue());
        FaceAssertions.assertJsonFace(face, false, false, true, false);
    }

    @Test
    void multipartUploadsWorkLikeRawBodies() {
        JsonPath answer = given().multiPart("image", "face.jpg", TestImages.lfpwJpeg(), "image/jpeg")
                .multiPart("box", "20,20,150,160")
                .when()
                .post("/v1/analyze?tasks=expression")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> face = answer.getMap("faces[0]");
        assertEquals("client", face.get("boxSource"));
        assertEquals(Map.of("x", 20, "y", 20, "width", 150, "height", 160), face.get("box"));
        FaceAssertions.assertJsonFace(face, false, true, false, false);

        given().multiPart("image", "face.jpg", TestImages.lfpwJpeg(), "image/jpeg")
                .when()
                .post("/v1/embed")
                .then()
                .statusCode(200)
                .body("faces", hasSize(1))
                .body("faces[0].embedding.values", hasSize(64));
    }

    @Test
    void anImageWithoutAFaceGetsAnEmptyList() {
        given().contentType("image/png")
                .body(TestImages.grayPng())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .body("faces", hasSize(0))
                .body("image.format", equalTo("png"))
                .body("image.width", equalTo(160));
    }

    @Test
    void octetStreamBodiesAreAccepted() {
        given().contentType("application/octet-stream")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression")
                .then()
                .statusCode(200)
                .body("faces", hasSize(1))
                .body("timing.totalMs", greaterThan(0f))
                .body("model.backbone", startsWith("vit_micro"));
    }
}
