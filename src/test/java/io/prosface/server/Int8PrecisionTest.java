package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prosface.server.config.InferenceConfig;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * pros.inference.precision=int8: the server starts with the backbone exported to ONNX and run by ONNX Runtime, and
 * answers every task on a real face (BackbonePrecisionTest compares the numbers with fp32).
 */
@QuarkusTest
@TestProfile(Int8PrecisionTest.Int8.class)
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class Int8PrecisionTest {

    public static final class Int8 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pros.inference.precision", "int8");
        }
    }

    @Inject
    InferenceConfig config;

    @Test
    void servesEveryTaskWithTheInt8Backbone() {
        assertEquals(InferenceConfig.Precision.INT8, config.precision());
        JsonPath answer = given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(1, answer.getList("faces").size(), "one face on a typical LFPW crop");
        FaceAssertions.assertJsonFace(answer.getMap("faces[0]"), true, true, true, true);
    }
}
