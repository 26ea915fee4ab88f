package io.prosface.server.v2;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.TestImages;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The v2 REST routes with plain JSON, as curl sends it: inference on 2 real faces equals pros.v1, metadata, errors. */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class V2RestTest {

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub v1;

    private static String imagesJson(List<byte[]> images) {
        return "{\"name\":\"images\",\"datatype\":\"BYTES\",\"shape\":[" + images.size() + "],\"data\":["
                + images.stream()
                        .map(image -> "\"" + Base64.getEncoder().encodeToString(image) + "\"")
                        .collect(Collectors.joining(","))
                + "]}";
    }

    private static Response post(String route, String body) {
        return given().contentType("application/json").body(body).when().post(route);
    }

    @Test
    void jsonInferenceOnTwoFacesEqualsAnalyze() {
        List<byte[]> images = V2Faces.images(2);
        JsonPath answer = post("/v2/models/pros-face/infer", "{\"id\":\"r-7\",\"inputs\":[" + imagesJson(images) + "]}")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("pros-face", answer.getString("model_name"));
        assertEquals("1", answer.getString("model_version"));
        assertEquals("r-7", answer.getString("id"));
        List<Face> expected = V2Faces.viaV1(v1, images);
        List<Map<String, Object>> outputs = answer.getList("outputs");
        for (int row = 0; row < 2; row++) {
            Face face = expected.get(row);
            assertEquals(face != null, ((List<?>) output(outputs, "face_found").get("data")).get(row));
            if (face == null) {
                continue;
            }
            for (Map.Entry<String, float[]> entry : V2Faces.rows(face).entrySet()) {
                V2Faces.assertRow(entry.getKey(), entry.getValue(), data(output(outputs, entry.getKey())), row);
            }
        }
        assertEquals(List.of(2, 68, 2), output(outputs, "landmarks").get("shape"));
        assertTrue(((Map<?, ?>) output(outputs, "attributes").get("parameters"))
                .get("labels")
                .toString()
                .startsWith("[\""));
    }

    @Test
    void aVersionedRouteAndBinaryTensorDataExtension() throws Exception {
        byte[] image = V2Faces.images(1).get(0);
        byte[] raw = V2Tensors.joinBytes(List.of(image));
        String header = "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"BYTES\",\"shape\":[1],\"parameters\":"
                + "{\"binary_data_size\":" + raw.length + "}}],\"outputs\":[{\"name\":\"expression\",\"parameters\":"
                + "{\"binary_data\":true}},{\"name\":\"face_found\"}]}";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(header.getBytes(StandardCharsets.UTF_8));
        body.write(raw);
        Response response = given().contentType("application/octet-stream")
                .header("Inference-Header-Content-Length", header.getBytes(StandardCharsets.UTF_8).length)
                .body(body.toByteArray())
                .when()
                .post("/v2/models/pros-face/versions/1/infer");
        response.then().statusCode(200);
        int jsonLength = Integer.parseInt(response.getHeader("Inference-Header-Content-Length"));
        byte[] answer = response.asByteArray();
        JsonPath json = new JsonPath(new String(answer, 0, jsonLength, StandardCharsets.UTF_8));
        assertEquals("face_found", json.getString("outputs[0].name"), "outputs come in the model's order");
        assertEquals(true, json.getBoolean("outputs[0].data[0]"));
        assertEquals(28, json.getInt("outputs[1].parameters.binary_data_size"));
        assertNull(json.get("outputs[1].data"));
        float[] expression = new float[7];
        ByteBuffer.wrap(answer, jsonLength, 28)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(expression);
        V2Faces.assertRow(
                "expression",
                V2Faces.rows(V2Faces.viaV1(v1, List.of(image)).get(0)).get("expression"),
                expression,
                0);
    }

    @Test
    void metadataHealthAndReadiness() {
        given().when().get("/v2/health/live").then().statusCode(200).body("live", equalTo(true));
        given().when().get("/v2/health/ready").then().statusCode(200).body("ready", equalTo(true));
        given().when()
                .get("/v2")
                .then()
                .statusCode(200)
                .body("name", equalTo("pros-face"))
                .body("extensions[0]", equalTo("binary_tensor_data"));
        given().when().get("/v2/models/pros-face/ready").then().statusCode(200).body("ready", equalTo(true));
        given().when()
                .get("/v2/models/nobody/ready")
                .then()
                .statusCode(404)
                .body("error", containsString("unknown model 'nobody'"));
        JsonPath metadata = given().when()
                .get("/v2/models/pros-face")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("pros-face", metadata.getString("platform"));
        assertEquals(List.of("1"), metadata.getList("versions"));
        assertEquals("BYTES", metadata.getString("inputs[0].datatype"));
        assertEquals(List.of(-1), metadata.getList("inputs[0].shape"));
        assertEquals("expression", metadata.getString("outputs[3].name"));
        assertEquals(List.of(-1, 7), metadata.getList("outputs[3].shape"));
        assertTrue(metadata.getString("outputs[3].parameters.labels").contains("\"happiness\""));
        given().when()
                .get("/v2/models/expression/versions/" + V2Faces.currentVersion("expression"))
                .then()
                .statusCode(200)
                .body("outputs[2].name", equalTo("probabilities"));
        given().when()
                .get("/v2/models/expression/versions/999")
                .then()
                .statusCode(404)
                .body("error", containsString("no version '999'"));
    }

    @Test
    void errorsAreTheProtocolsErrorObject() {
        String image = imagesJson(V2Faces.images(1));
        post(
                        "/v2/models/pros-face/infer",
                        "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"FP32\",\"shape\":[1]," + "\"data\":[1.0]}]}")
                .then()
                .statusCode(400)
                .body("error", containsString("input 'images' must be BYTES, got FP32"));
        post("/v2/models/pros-face/infer", "{\"inputs\":[" + image.replace("\"shape\":[1]", "\"shape\":[3]") + "]}")
                .then()
                .statusCode(400)
                .body("error", containsString("input 'images' has shape [3]"));
        post("/v2/models/pros-face/infer", "{\"inputs\":[" + image + "],\"outputs\":[{\"name\":\"smiles\"}]}")
                .then()
                .statusCode(400)
                .body("error", containsString("unknown output 'smiles'"));
        post("/v2/models/pros-face/infer", "{\"inputs\":[" + imagesJson(List.of("no image".getBytes())) + "]}")
                .then()
                .statusCode(400)
                .body("error", containsString("input 'images' element 0: invalid image"));
        post(
                        "/v2/models/pros-face/infer",
                        "{\"inputs\":[{\"name\":\"images\",\"datatype\":\"BYTES\",\"shape\":[1],"
                                + "\"data\":[\"%%%\"]}]}")
                .then()
                .statusCode(400)
                .body("error", containsString("input 'images' element 0 is not base64"));
        post("/v2/models/pros-face/infer", "{\"inputs\": [")
                .then()
                .statusCode(400)
                .body("error", containsString("not valid JSON"));
        post("/v2/models/nobody/infer", "{\"inputs\":[" + image + "]}")
                .then()
                .statusCode(404)
                .body("error", containsString("unknown model 'nobody'"));
    }

    @Test
    void aGrayPictureAnswersNullRowsInJson() {
        JsonPath answer = post(
                        "/v2/models/pros-face/infer",
                        "{\"inputs\":[" + imagesJson(List.of(TestImages.grayPng()))
                                + "],\"outputs\":[{\"name\":\"face_found\"},{\"name\":\"age\"}]}")
                .then()
                .statusCode(400)
                .extract()
                .jsonPath();
        assertTrue(answer.getString("error").contains("unknown output 'age'"), "the test model has no age head");
        JsonPath gray = post(
                        "/v2/models/pros-face/infer",
                        "{\"inputs\":[" + imagesJson(List.of(TestImages.grayPng()))
                                + "],\"outputs\":[{\"name\":\"face_found\"},{\"name\":\"expression\"}]}")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(false, gray.getBoolean("outputs[0].data[0]"));
        assertNull(gray.get("outputs[1].data[0]"));
    }

    private static Map<String, Object> output(List<Map<String, Object>> outputs, String name) {
        return outputs.stream()
                .filter(output -> name.equals(output.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no output " + name));
    }

    private static float[] data(Map<String, Object> output) {
        List<?> values = (List<?>) output.get("data");
        float[] data = new float[values.size()];
        for (int index = 0; index < data.length; index++) {
            data[index] = ((Number) values.get(index)).floatValue();
        }
        return data;
    }
}
