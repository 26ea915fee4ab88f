package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.server.TestCheckpoint;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/finetune/options} shows the upload form's optional fields with the defaults and ranges the server
 * enforces: every shown range is the one an upload is refused by, every shown default the one an accepted job gets.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class FineTuneOptionsTest {

    /** Form field -> the job JSON's name for it under {@code options}. */
    private static final Map<String, String> JOB_OPTION = Map.of(
            "epochs",
            "epochs",
            "learning_rate",
            "learningRate",
            "batch_size",
            "batchSize",
            "validation_split",
            "validationSplit",
            "unfrozen_blocks",
            "unfrozenBlocks",
            "augmented_views",
            "augmentedViews",
            "seed",
            "seed",
            "promote",
            "promote",
            "crop",
            "crop");

    private static final List<FewShotData.Item> SET = FewShotData.hairColours(3, 0);

    @Test
    void theOptionsNeedAKeyWithTheReadRole() {
        given().when()
                .get("/v1/finetune/options")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("UNAUTHENTICATED"));
        given().header("Authorization", "Bearer not-a-key")
                .when()
                .get("/v1/finetune/options")
                .then()
                .statusCode(401);
        given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/options")
                .then()
                .statusCode(200);
    }

    @Test
    void everyFormFieldIsListedWithItsTypeDefaultAndRange() {
        JsonPath options = options();
        assertEquals(List.of("classification", "multilabel", "landmarks", "regression"), options.getList("kinds"));
        assertEquals(
                List.of(
                        "epochs",
                        "learning_rate",
                        "batch_size",
                        "validation_split",
                        "unfrozen_blocks",
                        "augmented_views",
                        "seed",
                        "promote",
                        "crop"),
                options.getList("options.name"));
        for (Map<String, Object> option : options.<Map<String, Object>>getList("options")) {
            String type = (String) option.get("type");
            assertTrue(List.of("integer", "number", "boolean", "enum").contains(type), option.toString());
            assertNotNull(option.get("default"), option.toString());
            assertTrue(!((String) option.get("description")).isBlank(), option.toString());
            boolean ranged = type.equals("integer") || type.equals("number");
            assertEquals(ranged, option.containsKey("min") && option.containsKey("max"), option.toString());
            assertEquals(type.equals("enum"), option.containsKey("values"), option.toString());
        }
        assertEquals(List.of("detect", "none"), option(options, "crop").get("values"));
        assertEquals("detect", option(options, "crop").get("default"));
        assertEquals(true, option(options, "promote").get("default"));
        // unfrozen_blocks goes up to the served backbone's depth: the vit_micro test model has 2 blocks
        assertEquals(2, option(options, "unfrozen_blocks").get("max"));
        assertThat(
                ((String) option(options, "unfrozen_blocks").get("description")).contains("depth 2"),
                option(options, "unfrozen_blocks"));
        assertEquals(150, options.getInt("limits.maxImages"), "the test profile's pros.finetune.upload.max-files");
        assertEquals(8388608L, options.getLong("limits.maxUploadBytes"));
        assertEquals(4, options.getInt("limits.minExamples"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aValueJustOutsideAShownRangeIsRefusedNamingThatRange() {
        for (Map<String, Object> option : options().<Map<String, Object>>getList("options")) {
            String name = (String) option.get("name");
            switch ((String) option.get("type")) {
                case "integer" -> {
                    long min = ((Number) option.get("min")).longValue();
                    long max = ((Number) option.get("max")).longValue();
                    String range = "[" + min + ", " + max + "]";
                    if (max < Integer.MAX_VALUE) {
                        refused(name, Long.toString(max + 1), name + " must be in " + range + ", got " + (max + 1));
                    }
                    if (min > Integer.MIN_VALUE) {
                        refused(name, Long.toString(min - 1), name + " must be in " + range + ", got " + (min - 1));
                    } else {
                        // seed: the whole int range is allowed; one below does not fit
                        refused(name, Long.toString(min - 1), name + " must be an integer");
                    }
                }
                case "number" -> {
                    double min = ((Number) option.get("min")).doubleValue();
                    double max = ((Number) option.get("max")).doubleValue();
                    String range = "[" + min + ", " + max + "]";
                    refused(name, Double.toString(max * 1.5), name + " must be in " + range);
                    refused(name, Double.toString(min - 0.5), name + " must be in " + range);
                }
                case "boolean" -> refused(name, "maybe", name + " must be true or false");
                case "enum" ->
                    refused(
                            name,
                            "sometimes",
                            name + " must be one of '" + String.join("', '", (List<String>) option.get("values"))
                                    + "'");
                default -> throw new AssertionError(option);
            }
        }
    }

    @Test
    void anAcceptedJobGetsTheShownDefaultsAndTheShownBoundsAreAccepted() {
        JsonPath options = options();
        // no training field set: every option of the job is the shown default
        JsonPath job = accept(upload());
        for (Map<String, Object> option : options.<Map<String, Object>>getList("options")) {
            Object accepted = job.get("options." + JOB_OPTION.get((String) option.get("name")));
            assertNumberOrValue(option.get("default"), accepted, (String) option.get("name"));
        }
        // every field at its shown maximum (the largest epochs and the smallest learning rate still upload)
        RequestSpecification atMax = upload();
        for (Map<String, Object> option : options.<Map<String, Object>>getList("options")) {
            if (option.containsKey("max") && !option.get("name").equals("batch_size")) {
                atMax.multiPart((String) option.get("name"), option.get("max").toString());
            }
        }
        JsonPath maxed = accept(atMax);
        assertEquals(option(options, "epochs").get("max"), maxed.get("options.epochs"));
        assertEquals(option(options, "unfrozen_blocks").get("max"), maxed.get("options.unfrozenBlocks"));
    }

    private static void assertNumberOrValue(Object shown, Object accepted, String name) {
        if (shown instanceof Number number) {
            assertEquals(number.doubleValue(), ((Number) accepted).doubleValue(), 0.0, name);
        } else {
            assertEquals(shown, accepted, name);
        }
    }

    private static void assertThat(boolean condition, Object about) {
        assertTrue(condition, String.valueOf(about));
    }

    private static JsonPath options() {
        return doubles(given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/options")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /** Decimals as doubles (RestAssured's default, float, would turn 1e-6 into 9.99e-7). */
    private static JsonPath doubles(String json) {
        return JsonPath.from(json).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    private static Map<String, Object> option(JsonPath options, String name) {
        return options.<Map<String, Object>>getList("options").stream()
                .filter(o -> o.get("name").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no option " + name));
    }

    /** An upload of a tiny valid set, without any training field. */
    private static RequestSpecification upload() {
        return given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", "options-" + Long.toHexString(System.nanoTime()))
                .multiPart("archive", "set.zip", FewShotData.zip(SET, "manifest.csv", FewShotData.csv(SET, "label")));
    }

    /** Accepted (202), then cancelled at once: only the accepted options matter here, not the training. */
    private static JsonPath accept(RequestSpecification upload) {
        JsonPath job = doubles(upload.when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .asString());
        given().header("Authorization", FewShotData.ADMIN)
                .when()
                .delete("/v1/finetune/jobs/" + job.getString("id"))
                .then()
                .statusCode(200);
        return job;
    }

    private static void refused(String field, String value, String message) {
        upload().multiPart(field, value)
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString(message));
    }
}
