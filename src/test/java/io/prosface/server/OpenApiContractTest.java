package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/openapi} is complete enough to generate a client from: unique operation ids, tags, one error schema on
 * every operation's 4xx answers, bearer security on the fine-tuning operations, the upload as a typed multipart
 * schema whose training fields match {@code GET /v1/finetune/options}, every reference resolving.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class OpenApiContractTest {

    private static final String ERROR_REF = "#/components/schemas/Error";
    private static final String INFERENCE_ERROR_REF = "#/components/schemas/InferenceError";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private static JsonNode document() throws Exception {
        return new ObjectMapper()
                .readTree(given().when()
                        .get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
    }

    /** Every operation as (path, method, node). */
    private static List<Object[]> operations(JsonNode document) {
        List<Object[]> operations = new ArrayList<>();
        document.get("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
                    if (METHODS.contains(entry.getKey())) {
                        operations.add(new Object[] {path.getKey(), entry.getKey(), entry.getValue()});
                    }
                }));
        return operations;
    }

    @Test
    void everyOperationHasAUniqueIdTagsAndItsErrorsInTheOneErrorSchema() throws Exception {
        JsonNode document = document();
        List<Object[]> operations = operations(document);
        // the raw-image and multipart variants of a route are ONE operation (OpenAPI has one per path and method) with
        // three request media types
        assertEquals(17 + 9, operations.size(), "operations: 17 of pros.v1, 9 of the Open Inference Protocol v2");
        Set<String> ids = new HashSet<>();
        for (Object[] operation : operations) {
            String where = operation[1] + " " + operation[0];
            JsonNode node = (JsonNode) operation[2];
            assertTrue(node.hasNonNull("operationId"), where + " has an operationId");
            assertTrue(ids.add(node.get("operationId").asText()), where + ": operationId unique");
            assertTrue(node.has("tags") && node.get("tags").size() > 0, where + " has tags");
            boolean errorSchema = false;
            boolean v2 = ((String) operation[0]).startsWith("/v2");
            for (var responses = node.get("responses").fields(); responses.hasNext(); ) {
                var response = responses.next();
                if (response.getKey().startsWith("4")
                        || (v2 && response.getKey().startsWith("5"))) {
                    assertEquals(
                            v2 ? INFERENCE_ERROR_REF : ERROR_REF,
                            response.getValue()
                                    .at("/content/application~1json/schema/$ref")
                                    .asText(),
                            where + " " + response.getKey());
                    errorSchema = true;
                }
            }
            // v2's health and server metadata routes answer no 4xx, only 503 while the server is not ready
            assertTrue(errorSchema, where + " documents its error answers");
            assertTrue(node.get("responses").fieldNames().hasNext(), where);
            boolean success = false;
            for (var codes = node.get("responses").fieldNames(); codes.hasNext(); ) {
                success |= codes.next().startsWith("2");
            }
            assertTrue(success, where + " documents its success");
        }
        assertTrue(
                ids.containsAll(List.of("analyze", "predictAttributes", "embed", "render", "submitJob", "watchJob")),
                ids.toString());
        assertEquals(
                Set.of("image/*", "application/octet-stream", "multipart/form-data"),
                names(document.at("/paths/~1v1~1analyze/post/requestBody/content")));
        assertEquals(
                "binary",
                document.at("/paths/~1v1~1analyze/post/requestBody/content/multipart~1form-data/schema"
                                + "/properties/image/format")
                        .asText());

        JsonNode error = document.at("/components/schemas/Error");
        assertEquals(Set.of("code", "message"), names(error.get("properties")));
        // the schema is the body the server really writes
        JsonNode answered = new ObjectMapper()
                .readTree(given().contentType("image/jpeg")
                        .body(new byte[] {1, 2, 3})
                        .when()
                        .post("/v1/analyze")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString());
        assertEquals(names(error.get("properties")), names(answered));
        assertTrue(document.at("/paths/~1v1~1analyze/post/responses/429/headers/Retry-After")
                .isObject());
        JsonNode inferenceError = document.at("/components/schemas/InferenceError");
        JsonNode v2Answer = new ObjectMapper()
                .readTree(given().when()
                        .get("/v2/models/nobody")
                        .then()
                        .statusCode(404)
                        .extract()
                        .asString());
        assertEquals(names(inferenceError.get("properties")), names(v2Answer), "the v2 error body is the schema's");
    }

    @Test
    void fineTuningOperationsNeedTheBearerSchemeAndTheirEventsAreAStream() throws Exception {
        JsonNode document = document();
        JsonNode scheme = document.at("/components/securitySchemes/bearer");
        assertEquals("http", scheme.get("type").asText());
        assertEquals("bearer", scheme.get("scheme").asText());
        int fineTuning = 0;
        for (Object[] operation : operations(document)) {
            JsonNode node = (JsonNode) operation[2];
            boolean secured =
                    node.has("security") && node.get("security").toString().contains("\"bearer\"");
            if (((String) operation[0]).startsWith("/v1/finetune")) {
                fineTuning++;
                assertTrue(secured, operation[1] + " " + operation[0] + " requires bearer");
                assertTrue(node.get("responses").has("401")
                        && node.get("responses").has("403"));
            } else {
                assertFalse(secured, operation[1] + " " + operation[0] + " is open");
            }
        }
        assertEquals(10, fineTuning);
        assertTrue(document.at("/paths/~1v1~1finetune~1jobs~1{id}~1events/get/responses/200/content")
                .has("text/event-stream"));
        assertTrue(document.at("/paths/~1v1~1finetune~1jobs/post/responses/202/content/application~1json/schema")
                .isObject());
    }

    @Test
    void theUploadSchemaListsThePartsAndTheTrainingFieldsAsTheOptionsRouteShowsThem() throws Exception {
        JsonNode form =
                document().at("/paths/~1v1~1finetune~1jobs/post/requestBody/content/multipart~1form-data/schema");
        JsonNode properties = form.get("properties");
        assertNotNull(properties, "multipart schema of the upload");
        for (String part : new String[] {"archive", "images", "manifest", "kind", "head_name", "classes", "points"}) {
            assertTrue(properties.has(part), part);
        }
        assertEquals("binary", properties.at("/images/items/format").asText());
        assertEquals("binary", properties.at("/archive/items/format").asText());
        assertEquals("binary", properties.at("/manifest/format").asText());

        JsonNode options = new ObjectMapper()
                .readTree(given().header("Authorization", "Bearer test-read-key")
                        .when()
                        .get("/v1/finetune/options")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        assertEquals(names(options.get("kinds")), values(properties.at("/kind/enum")));
        for (JsonNode option : options.get("options")) {
            String name = option.get("name").asText();
            JsonNode field = properties.get(name);
            assertNotNull(field, name + " in the upload schema");
            for (String[] pair : new String[][] {{"min", "minimum"}, {"max", "maximum"}, {"default", "default"}}) {
                if (option.has(pair[0])) {
                    JsonNode expected = option.get(pair[0]);
                    JsonNode actual = field.get(pair[1]);
                    assertNotNull(actual, name + " " + pair[1]);
                    if (expected.isNumber()) {
                        assertEquals(expected.asDouble(), actual.asDouble(), name + " " + pair[1]);
                    } else {
                        assertEquals(expected.asText(), actual.asText(), name + " " + pair[1]);
                    }
                }
            }
            if (option.has("values")) {
                assertEquals(values(option.get("values")), values(field.get("enum")), name);
            }
        }
    }

    @Test
    void everyReferenceResolves() throws Exception {
        JsonNode document = document();
        List<String> unresolved = new ArrayList<>();
        collectRefs(document, document, unresolved);
        assertEquals(List.of(), unresolved);
    }

    private static void collectRefs(JsonNode document, JsonNode node, List<String> unresolved) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String target = ref.asText();
                if (!target.startsWith("#/") || document.at(target.substring(1)).isMissingNode()) {
                    unresolved.add(target);
                }
            }
            node.elements().forEachRemaining(child -> collectRefs(document, child, unresolved));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectRefs(document, child, unresolved));
        }
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new HashSet<>();
        if (node.isArray()) {
            node.elements().forEachRemaining(element -> names.add(element.asText()));
        } else {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static Set<String> values(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.elements().forEachRemaining(element -> values.add(element.asText()));
        return values;
    }
}
