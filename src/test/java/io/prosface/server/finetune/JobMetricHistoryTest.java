package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.server.TestCheckpoint;
import io.prosface.server.finetune.jobs.JobStore;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/finetune/jobs/{id}/metrics}: the per-epoch history a page opened mid-job draws its curves from. One
 * row per epoch of a short job, in order, the last one equal to the job's final metrics; a requeued job starts a new
 * history; unknown ids and missing keys are refused like the job itself.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class JobMetricHistoryTest {

    private static final List<FewShotData.Item> SET = FewShotData.hairColours(8, 0);

    @Inject
    JobStore jobs;

    @Test
    void aFinishedJobHasOneRowPerEpochEndingWithItsFinalMetrics() {
        int epochs = 3;
        int batchSize = 4;
        String id = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", "history-" + Long.toHexString(System.nanoTime()))
                .multiPart("crop", "none")
                .multiPart("epochs", Integer.toString(epochs))
                .multiPart("batch_size", Integer.toString(batchSize))
                .multiPart("validation_split", "0.25")
                .multiPart("augmented_views", "0")
                .multiPart("archive", "set.zip", FewShotData.zip(SET, "manifest.csv", FewShotData.csv(SET, "label")))
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath job = awaitSucceeded(id);

        JsonPath history = metrics(id);
        assertEquals(id, history.getString("jobId"));
        // 12 training examples in batches of 4: 3 steps an epoch, 9 in all, fewer than the 10 progress reports a
        // job makes, so every epoch reports and its row holds the metrics after its last step
        int stepsPerEpoch = (job.getInt("trainExamples") + batchSize - 1) / batchSize;
        assertEquals(IntStream.rangeClosed(1, epochs).boxed().toList(), history.getList("epochs.epoch"));
        assertEquals(
                IntStream.rangeClosed(1, epochs)
                        .mapToObj(e -> (long) e * stepsPerEpoch)
                        .toList(),
                history.getList("epochs.step", Long.class));
        List<Instant> times = history.getList("epochs.time", String.class).stream()
                .map(Instant::parse)
                .toList();
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i).isBefore(times.get(i - 1)), "rows written in epoch order: " + times);
        }
        Map<String, Object> last = history.getMap("epochs[" + (epochs - 1) + "]");
        assertEquals(job.getMap("trainMetrics"), last.get("trainMetrics"), history.prettify());
        assertEquals(job.getMap("validationMetrics"), last.get("validationMetrics"), history.prettify());
        assertTrue(((Map<?, ?>) last.get("trainMetrics")).containsKey("accuracy"), history.prettify());
        assertTrue(((Map<?, ?>) last.get("validationMetrics")).containsKey("accuracy"), history.prettify());
    }

    @Test
    void aQueuedJobHasNoRowsAndARequeuedJobStartsANewHistory() {
        // a QUEUED job has not reported yet (nor has one the executor has just claimed: it is caching features)
        String queued = storedJob();
        assertEquals(List.of(), metrics(queued).getList("epochs"));

        String running = runningJob("replica-for-history");
        jobs.progress(running, 1, 3, 2, 6, Map.of("loss", 0.9), Map.of("accuracy", 0.4));
        jobs.progress(running, 1, 3, 3, 6, Map.of("loss", 0.8), Map.of("accuracy", 0.5));
        jobs.progress(running, 2, 3, 5, 6, Map.of("loss", 0.7), Map.of("accuracy", 0.6));
        JsonPath history = metrics(running);
        assertEquals(List.of(1, 2), history.getList("epochs.epoch"));
        assertEquals(
                List.of(3L, 5L), history.getList("epochs.step", Long.class), "a later report replaces its epoch's row");
        assertEquals(Map.of("loss", 0.8), history.getMap("epochs[0].trainMetrics"));
        assertEquals(Map.of("accuracy", 0.6), history.getMap("epochs[1].validationMetrics"));

        jobs.requeue(running);
        assertEquals(List.of(), metrics(running).getList("epochs"), "a rerun must not mix with the run before");
        jobs.requestCancel(queued, "test over");
        jobs.requestCancel(running, "test over");
    }

    @Test
    void unknownJobsAndMissingKeysAreRefusedLikeTheJobItself() {
        String unknown = UUID.randomUUID().toString();
        given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs/" + unknown + "/metrics")
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"))
                .body("message", containsString(unknown));
        given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs/" + unknown)
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        String queued = storedJob();
        given().when()
                .get("/v1/finetune/jobs/" + queued + "/metrics")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("code", equalTo("UNAUTHENTICATED"));
        given().header("Authorization", "Bearer not-a-key")
                .when()
                .get("/v1/finetune/jobs/" + queued + "/metrics")
                .then()
                .statusCode(401);
        jobs.requestCancel(queued, "test over");
    }

    private static JsonPath metrics(String id) {
        return doubles(given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs/" + id + "/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    private static JsonPath awaitSucceeded(String id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (true) {
            JsonPath job = doubles(given().header("Authorization", FewShotData.READER)
                    .get("/v1/finetune/jobs/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
            String state = job.getString("state");
            if (state.equals("succeeded")) {
                return job;
            }
            if (!state.equals("queued") && !state.equals("running")
                    || Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + state + " instead of succeeded: " + job.prettify());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Metrics as the server wrote them: decimals as doubles (RestAssured's default, float, rounds them). */
    private static JsonPath doubles(String json) {
        return JsonPath.from(json).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    private String storedJob() {
        return StoredJobs.queued(jobs, "history-", SET);
    }

    /** A stored job claimed by {@code owner} (retried if this replica's poll claims it first). */
    private String runningJob(String owner) {
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = storedJob();
            if (jobs.claim(id, owner)) {
                return id;
            }
            jobs.requestCancel(id, "test over");
        }
        throw new AssertionError("the executor claimed every test job first");
    }
}
