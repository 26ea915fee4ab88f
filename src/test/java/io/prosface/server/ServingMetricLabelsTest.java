package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The serving metrics carry what served, as Triton labels its metrics: {@code model} (the backbone as answered) on
 * the request, queue, compute and batch metrics, and per-head series with {@code head} and {@code version} that count
 * one per face per head that answered.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class ServingMetricLabelsTest {

    @Test
    void anAnalyzedFaceShowsItsModelAndEachAnsweringHeadInTheMetrics() {
        String before = Metrics.scrape();
        JsonPath answer = given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze?box=20,20,150,160")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String model = answer.getString("model.backbone");
        List<Map<String, Object>> heads = answer.getList("model.heads");
        assertFalse(heads.isEmpty(), "heads answered");
        String modelLabel = "model=\"" + model + "\"";

        String after = Metrics.scrape();
        assertEquals(
                1.0,
                Metrics.value(
                                after,
                                "pros_requests_total",
                                "api=\"http\"",
                                "method=\"analyze\"",
                                "status=\"OK\"",
                                modelLabel)
                        - Metrics.value(
                                before,
                                "pros_requests_total",
                                "api=\"http\"",
                                "method=\"analyze\"",
                                "status=\"OK\"",
                                modelLabel));
        for (String series : new String[] {
            "pros_inference_queue_seconds_count",
            "pros_inference_compute_seconds_count",
            "pros_inference_batch_size_count",
            "pros_inference_items_total"
        }) {
            assertTrue(Metrics.value(after, series, modelLabel) >= 1, series + " with " + modelLabel);
        }
        for (String gauge : new String[] {"pros_inference_queue_depth", "pros_inference_in_flight"}) {
            assertTrue(
                    after.lines().anyMatch(line -> line.startsWith(gauge + "{") && line.contains(modelLabel)),
                    gauge + " with " + modelLabel);
        }

        // one face: each head that answered counted it once (a head answering two tasks still ran once per face)
        for (Map<String, Object> resolved : heads) {
            @SuppressWarnings("unchecked")
            Map<String, Object> head = (Map<String, Object>) resolved.get("head");
            String version = String.valueOf(head.get("version")).replace("v", "");
            String[] labels = {modelLabel, "head=\"" + head.get("name") + "\"", "version=\"" + version + "\""};
            assertEquals(
                    1.0,
                    Metrics.value(after, "pros_head_inferences_total", labels)
                            - Metrics.value(before, "pros_head_inferences_total", labels),
                    "faces answered by " + head);
            assertTrue(Metrics.value(after, "pros_head_compute_seconds_count", labels) >= 1, "time of " + head);
        }
    }
}
