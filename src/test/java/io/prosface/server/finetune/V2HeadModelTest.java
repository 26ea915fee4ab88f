package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prosface.server.TestCheckpoint;
import io.prosface.server.TestImages;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A few-shot head as its own Open Inference Protocol v2 model: two versions of one head name trained over the upload
 * API are listed as versions "1" and "2" of the model of that name, and each version's {@code probabilities} answer
 * equals what {@code /v1/expression?head=name@vN} answers for the same face.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class V2HeadModelTest {

    @Test
    void eachVersionOfAFewShotHeadIsAVersionOfItsV2Model() throws Exception {
        String name = "hair-v2-" + Long.toHexString(System.nanoTime());
        train(name, FewShotData.hairColours(10, 0), "true");
        train(name, FewShotData.hairColours(10, 10), "false");

        JsonPath metadata = given().when()
                .get("/v2/models/" + name)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(name, metadata.getString("name"));
        assertEquals(
                List.of("1", "2"),
                metadata.getList("versions").stream().sorted().toList(),
                "versions");
        assertEquals("BYTES", metadata.getString("inputs.find { it.name == 'images' }.datatype"));
        assertEquals(List.of(-1, 2), metadata.getList("outputs.find { it.name == 'probabilities' }.shape"));

        byte[] face = TestImages.lfpwJpeg();
        String request = "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                + Base64.getEncoder().encodeToString(face) + "\"]}],\"outputs\":[{\"name\":\"probabilities\"}]}";
        for (String version : List.of("1", "2")) {
            JsonPath answer = given().contentType("application/json")
                    .body(request)
                    .when()
                    .post("/v2/models/" + name + "/versions/" + version + "/infer")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertEquals(version, answer.getString("model_version"));
            List<Float> probabilities = answer.getList("outputs.find { it.name == 'probabilities' }.data", Float.class);
            JsonPath v1 = given().contentType("image/jpeg")
                    .body(face)
                    .queryParam("head", name + "@v" + version)
                    .when()
                    .post("/v1/expression")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Float> expected = v1.getList("faces[0].expression.distribution.probability", Float.class);
            assertEquals(expected.size(), probabilities.size(), "classes of version " + version);
            for (int index = 0; index < expected.size(); index++) {
                assertEquals(
                        expected.get(index), probabilities.get(index), 2e-3f, "version " + version + " class " + index);
            }
        }
        // without a version, the current one (v1: v2 was trained with promote=false) answers
        given().contentType("application/json")
                .body(request)
                .when()
                .post("/v2/models/" + name + "/infer")
                .then()
                .statusCode(200)
                .body("model_version", org.hamcrest.Matchers.equalTo("1"));
        given().when().get("/v2/models/" + name + "/versions/3").then().statusCode(404);
    }

    private static void train(String name, List<FewShotData.Item> items, String promote) throws Exception {
        String id = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("epochs", "3")
                .multiPart("promote", promote)
                .multiPart(
                        "archive",
                        "set.zip",
                        FewShotData.zip(items, "manifest.csv", FewShotData.csv(items, "label")),
                        "application/zip")
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        String state;
        do {
            Thread.sleep(200);
            state = given().header("Authorization", FewShotData.READER)
                    .when()
                    .get("/v1/finetune/jobs/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("state");
        } while ((state.equals("queued") || state.equals("running"))
                && Instant.now().isBefore(deadline));
        assertEquals("succeeded", state, "job " + id);
    }
}
