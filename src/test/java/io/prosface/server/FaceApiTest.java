package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class FaceApiTest {

    @Test
    void analyzeAnswersEveryTaskForTheDetectedFace() {
        Response response = given().contentType("image/jpeg").body(TestImages.lfpwJpeg())
                .when().post("/v1/analyze")
                .then().statusCode(200).body("faces", hasSize(1)).extract().response();
        Map<String, Object> face = response.path("faces[0]");
        System.out.println(response.asString().substring(0, 600));
        List<Map<String, Float>> points = response.path("faces[0].landmarks.points");
        assertEquals(68, points.size());
    }
}
