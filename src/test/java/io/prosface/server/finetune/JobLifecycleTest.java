package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.DeleteHeadRequest;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.FineTuningGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.ListJobsRequest;
import io.prosface.grpc.v1.PredictExpressionRequest;
import io.prosface.grpc.v1.PredictExpressionResponse;
import io.prosface.grpc.v1.Task;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.finetune.heads.HeadStore;
import io.prosface.server.finetune.jobs.JobExecutor;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.jobs.JobState;
import io.prosface.server.finetune.jobs.JobStore;
import io.prosface.server.finetune.store.Database;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What happens to jobs and heads after the upload: versions side by side, promotion and deletion, cancellation of
 * queued and running jobs, server-sent events, a regression head over gRPC, and recovery after a restart.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class JobLifecycleTest {

    @Inject
    JobStore jobs;

    @Inject
    JobExecutor executor;

    @Inject
    HeadStore heads;

    @Inject
    Database database;

    @GrpcClient("face")
    FineTuningGrpc.FineTuningBlockingStub fineTuning;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub faces;

    private static final List<FewShotData.Item> SMALL_SET = FewShotData.hairColours(8, 0);

    /** Uploads the small hair-colour set; returns the job id. */
    private static String upload(String name, Map<String, String> fields) {
        var request = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("crop", "none")
                .multiPart(
                        "archive",
                        "set.zip",
                        FewShotData.zip(SMALL_SET, "manifest.csv", FewShotData.csv(SMALL_SET, "label")));
        fields.forEach(request::multiPart);
        return request.when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private static Response awaitState(String id, String state) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (true) {
            Response job = given().header("Authorization", FewShotData.READER).get("/v1/finetune/jobs/" + id);
            if (state.equals(job.path("state")) || Instant.now().isAfter(deadline)) {
                assertEquals(state, job.path("state"), job.asString());
                return job;
            }
            if (!"queued".equals(job.path("state")) && !"running".equals(job.path("state"))) {
                throw new AssertionError(
                        "job ended " + job.path("state") + " instead of " + state + ": " + job.asString());
            }
            sleep(100);
        }
    }

    @Test
    void versionsAreServedSideBySidePromotedAndDeleted() {
        String name = "hair-" + Long.toHexString(System.nanoTime());
        // long enough (a few thousand small steps) for the event stream to see it move
        String first = upload(name, Map.of("epochs", "200", "batch_size", "2"));
        // server-sent events: the job as it changes, ending with its terminal state
        String events = given().header("Authorization", FewShotData.READER)
                .accept("text/event-stream")
                .when()
                .get("/v1/finetune/jobs/" + first + "/events")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<String> data =
                events.lines().filter(line -> line.startsWith("data:")).toList();
        assertTrue(data.get(data.size() - 1).contains("\"state\":\"succeeded\""), events);
        assertTrue(data.size() >= 2, "at least the first state and the last: " + events);
        assertTrue(data.stream().anyMatch(line -> line.contains("\"state\":\"running\"")), events);

        String second = upload(name, Map.of("epochs", "5", "promote", "false"));
        awaitState(second, "succeeded").then().body("headVersion", equalTo("v2"));
        assertEquals("v1", predict(name, "").getModel().getHeads(0).getHead().getVersion(), "v1 stays current");
        assertEquals("v2", predict(name, "v2").getModel().getHeads(0).getHead().getVersion(), "v2 served by name");

        given().header("Authorization", FewShotData.READER)
                .queryParam("name", name)
                .get("/v1/finetune/heads")
                .then()
                .statusCode(200)
                .body("heads.ref", equalTo(List.of(name + "@v2", name + "@v1")))
                .body("heads.current", equalTo(List.of(false, true)));
        given().header("Authorization", FewShotData.ADMIN)
                .post("/v1/finetune/heads/" + name + "/v2/promote")
                .then()
                .statusCode(200)
                .body("current", equalTo(true));
        assertEquals("v2", predict(name, "").getModel().getHeads(0).getHead().getVersion(), "promoted");

        given().header("Authorization", FewShotData.ADMIN)
                .delete("/v1/finetune/heads/" + name + "/v2")
                .then()
                .statusCode(409)
                .body("code", equalTo("FAILED_PRECONDITION"));
        given().header("Authorization", FewShotData.ADMIN)
                .delete("/v1/finetune/heads/" + name + "/v1")
                .then()
                .statusCode(204);
        assertGrpcStatus(Status.Code.NOT_FOUND, () -> predict(name, "v1"));
        withKey(FewShotData.ADMIN)
                .deleteHead(DeleteHeadRequest.newBuilder()
                        .setHead(HeadRef.newBuilder().setName(name).setVersion("v2"))
                        .build());
        assertGrpcStatus(Status.Code.NOT_FOUND, () -> predict(name, ""));
        // a built-in head of the checkpoint cannot be deleted (attributes: the serving tests hot-swap expression)
        given().header("Authorization", FewShotData.ADMIN)
                .delete("/v1/finetune/heads/attributes/v1")
                .then()
                .statusCode(409);
        given().header("Authorization", FewShotData.ADMIN)
                .post("/v1/finetune/jobs/" + first)
                .then()
                .statusCode(405);
        given().header("Authorization", FewShotData.ADMIN)
                .delete("/v1/finetune/jobs/" + first)
                .then()
                .statusCode(409)
                .body("message", equalTo("job " + first + " already succeeded"));
    }

    @Test
    void queuedAndRunningJobsCanBeCancelledAndPublishNothing() {
        String name = "slow-" + Long.toHexString(System.nanoTime());
        // 2000 epochs of single-example steps: about a minute, unless cancelled
        Map<String, String> slow = Map.of("epochs", "2000", "batch_size", "1");
        String running = upload(name, slow);
        String queued = upload(name, slow);
        awaitState(running, "running");
        // one job at a time: the second waits, and a cancel ends it at once
        given().header("Authorization", FewShotData.ADMIN)
                .delete("/v1/finetune/jobs/" + queued)
                .then()
                .statusCode(200)
                .body("state", equalTo("cancelled"))
                .body("errorMessage", equalTo("cancelled by tests"));
        given().header("Authorization", FewShotData.ADMIN)
                .delete("/v1/finetune/jobs/" + running)
                .then()
                .statusCode(200);
        awaitState(running, "cancelled").then().body("errorMessage", equalTo("cancelled by tests"));
        assertTrue(heads.published().stream().noneMatch(head -> head.name().equals(name)), "no head was published");
        var cancelled = withKey(FewShotData.READER)
                .listJobs(ListJobsRequest.newBuilder()
                        .setHeadName(name)
                        .addStates(io.prosface.grpc.v1.JobState.JOB_STATE_CANCELLED)
                        .build());
        assertEquals(2, cancelled.getJobsCount());

        // paging: newest first, one per page; a token only works with the filters it was issued for
        Response page = given().header("Authorization", FewShotData.READER)
                .queryParam("head_name", name)
                .queryParam("page_size", 1)
                .get("/v1/finetune/jobs");
        assertEquals(List.of(queued), page.path("jobs.id"));
        String token = page.path("nextPageToken");
        given().header("Authorization", FewShotData.READER)
                .queryParam("head_name", name)
                .queryParam("page_size", 1)
                .queryParam("page_token", token)
                .get("/v1/finetune/jobs")
                .then()
                .statusCode(200)
                .body("jobs.id", equalTo(List.of(running)))
                .body("nextPageToken", equalTo(""));
        given().header("Authorization", FewShotData.READER)
                .queryParam("head_name", name)
                .queryParam("state", "queued")
                .queryParam("page_token", token)
                .get("/v1/finetune/jobs")
                .then()
                .statusCode(400)
                .body("message", equalTo("page token was issued for different filter arguments"));
    }

    @Test
    void aRegressionHeadAnswersTaskRegressionOverGrpc() {
        List<FewShotData.Item> all = FewShotData.utkFace(2000, 0, false);
        List<FewShotData.Item> ages = java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> all.get(i * 50))
                .toList();
        String name = "age-" + Long.toHexString(System.nanoTime());
        String id = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "regression")
                .multiPart("head_name", name)
                .multiPart("epochs", "10")
                .multiPart("crop", "none")
                .multiPart("archive", "ages.tar.gz", Archives.tarGz(Map.of("labels.json", Archives.text(json(ages)))))
                .multiPart("images", ages.get(0).name(), ages.get(0).bytes())
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(400)
                .extract()
                .path("message")
                .toString();
        assertTrue(id.contains("is not in the upload"), id);
        var request = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "regression")
                .multiPart("head_name", name)
                .multiPart("epochs", "10")
                .multiPart("crop", "none")
                .multiPart("manifest", "labels.json", Archives.text(json(ages)));
        ages.forEach(item -> request.multiPart("images", item.name(), item.bytes()));
        String job = request.when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        awaitState(job, "succeeded").then().body("labels", equalTo(List.of("age")));
        AnalyzeResponse response = faces.analyze(AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(ages.get(3).bytes()))
                .addTasks(Task.TASK_REGRESSION)
                .setFaceBox(io.prosface.grpc.v1.BoundingBox.newBuilder()
                        .setWidth(128)
                        .setHeight(128))
                .setRegressionHead(HeadRef.newBuilder().setName(name))
                .build());
        var value = response.getFaces(0).getRegression().getValues(0);
        assertEquals("age", value.getName());
        assertTrue(value.getValue() > -50 && value.getValue() < 200, "an age in years: " + value.getValue());
    }

    private static String json(List<FewShotData.Item> items) {
        StringBuilder json = new StringBuilder("{\n");
        for (int i = 0; i < items.size(); i++) {
            json.append("  \"")
                    .append(items.get(i).name())
                    .append("\": {\"age\": ")
                    .append(items.get(i).label())
                    .append("}")
                    .append(i + 1 < items.size() ? ",\n" : "\n");
        }
        return json.append("}\n").toString();
    }

    @Test
    void afterARestartInterruptedJobsFailWithTheirReasonAndQueuedJobsRun() {
        // a job this replica was running when it died: recovery at start marks it failed, with the reason
        String interrupted = runningJob(executor.replicaId());
        assertEquals(1, executor.recover());
        JobRecord failed = jobs.find(interrupted).orElseThrow();
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(
                "interrupted: replica test-replica restarted while the job was running; upload it again",
                failed.errorMessage());
        assertTrue(failed.endedAt() != null);

        // a job of another replica that stopped sending heartbeats: any replica fails it
        String orphan = runningJob("replica-that-vanished");
        database.transaction(connection -> connection
                .createStatement()
                .executeUpdate("UPDATE finetune_job SET heartbeat_at = TIMESTAMP '2000-01-01 00:00:00' WHERE id = '"
                        + orphan + "'"));
        awaitStored(orphan, JobState.FAILED);
        assertTrue(jobs.find(orphan).orElseThrow().errorMessage().contains("stopped sending heartbeats"));

        // a job stored as QUEUED (as a restart finds it) is picked up by the poll, without any upload to wake it
        String queued = storedJob();
        awaitStored(queued, JobState.SUCCEEDED);
        assertEquals(0L, inputsOf(queued) + inputsOf(interrupted) + inputsOf(orphan), "ended jobs keep no inputs");
    }

    private String storedJob() {
        return StoredJobs.queued(jobs, "restart-", SMALL_SET);
    }

    /** A stored job claimed by {@code owner} (retried if this replica's poll claims it first). */
    private String runningJob(String owner) {
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = storedJob();
            if (jobs.claim(id, owner)) {
                return id;
            }
        }
        throw new AssertionError("the executor claimed every test job first");
    }

    private long inputsOf(String jobId) {
        return database.transaction(connection -> {
            try (var rows = connection
                    .createStatement()
                    .executeQuery("SELECT COUNT(*) FROM finetune_job_input WHERE job_id = '" + jobId + "'")) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private void awaitStored(String id, JobState state) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (jobs.find(id).orElseThrow().state() != state && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        assertEquals(
                state,
                jobs.find(id).orElseThrow().state(),
                jobs.find(id).orElseThrow().toString());
    }

    private PredictExpressionResponse predict(String name, String version) {
        return faces.predictExpression(PredictExpressionRequest.newBuilder()
                .setImage(ByteString.copyFrom(SMALL_SET.get(0).bytes()))
                .setFaceBox(io.prosface.grpc.v1.BoundingBox.newBuilder()
                        .setWidth(89)
                        .setHeight(109))
                .setHead(HeadRef.newBuilder().setName(name).setVersion(version))
                .build());
    }

    private FineTuningGrpc.FineTuningBlockingStub withKey(String authorization) {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return fineTuning.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    private static void assertGrpcStatus(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, failure.getStatus().getCode(), failure.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
