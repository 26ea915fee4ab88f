package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import grpc.health.v1.MutinyHealthGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.FaceAnalysis;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.PredictExpressionRequest;
import io.prosface.grpc.v1.PredictExpressionResponse;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.inference.MetricNames;
import io.prosface.server.inference.engine.InferenceEngine;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Admission control and deadlines on a deliberately slow server ({@link OverloadProfile}: 1 worker, batches of 1,
 * 2 queue slots, every batch 600 ms, or held by {@link SlowBatchHook#hold()} until the test releases it): a full
 * queue refuses at once with 429 / RESOURCE_EXHAUSTED and a retry-after;
 * a request whose deadline passes in the queue is answered 504 / DEADLINE_EXCEEDED and never computed; on shutdown
 * queued work is finished and new work is refused with 503 / UNAVAILABLE.
 */
@QuarkusTest
@TestProfile(OverloadProfile.class)
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverloadTest {

    private static final String BOX = "box=20,20,150,160";

    @GrpcClient("face")
    FaceAnalysis client;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @GrpcClient("face")
    HealthGrpc.HealthBlockingStub health;

    @GrpcClient("face")
    MutinyHealthGrpc.MutinyHealthStub healthWatch;

    @Inject
    InferenceEngine engine;

    @Inject
    MeterRegistry meters;

    @Inject
    io.prosface.server.inference.batching.BatchHook hook;

    private CompletableFuture<HttpResponse<String>> postAsync(String query) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RestAssured.port + "/v1/expression?" + query))
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.lfpwJpeg()))
                .build();
        // a fresh HTTP/1.1 client per request: no pooled connection or h2c upgrade state between timing-sensitive calls
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static PredictExpressionRequest grpcRequest() {
        return PredictExpressionRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                .setFaceBox(
                        BoundingBox.newBuilder().setX(20).setY(20).setWidth(150).setHeight(160))
                .build();
    }

    /** A counter's value, read from the registry the /q/metrics endpoint renders (no HTTP round trip). */
    private double metric(String name) {
        return meters.find(name).counter().count();
    }

    /**
     * Waits until the batcher reaches a state (read from the engine, the same numbers the gauges export), polling
     * gently: a tight loop of scrapes competes for the CPU with the very requests it waits for.
     */
    private void awaitState(String what, java.util.function.IntSupplier reading, int value)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int seen = reading.getAsInt();
        while (seen != value && System.nanoTime() < until) {
            Thread.sleep(50);
            seen = reading.getAsInt();
        }
        if (seen != value) {
            throw new AssertionError(what + " stayed at " + seen + ", expected " + value);
        }
    }

    /** Posts one request and waits until the worker holds it in its (slow) batch. */
    private CompletableFuture<HttpResponse<String>> occupyTheWorker() throws InterruptedException {
        CompletableFuture<HttpResponse<String>> busy = postAsync(BOX);
        try {
            awaitState("in flight", engine::inFlight, 1);
            awaitState("queue depth", engine::queueDepth, 0);
        } catch (AssertionError notThere) {
            String state = busy.isDone()
                    ? "answered "
                            + busy.handle((response, failure) -> failure != null
                                            ? failure.toString()
                                            : response.statusCode() + " " + response.body())
                                    .join()
                    : "not answered";
            throw new AssertionError(
                    notThere.getMessage() + "; the request: " + state + "; metrics: "
                            + Metrics.scrape()
                                    .lines()
                                    .filter(line -> line.startsWith("pros_in") && !line.contains("seconds"))
                                    .toList(),
                    notThere);
        }
        return busy;
    }

    @AfterEach
    void normalSpeed() {
        SlowBatchHook.release();
        SlowBatchHook.delayMillis = 600;
    }

    /**
     * Waits until every one of {@code calls} has either been answered or been admitted (counted in flight): with the
     * worker held, nothing admitted can be answered, so then the answered ones are exactly the refused ones.
     */
    private void awaitAnsweredOrAdmitted(List<? extends CompletableFuture<?>> calls) throws InterruptedException {
        awaitState(
                "answered + in flight",
                () -> (int) calls.stream().filter(CompletableFuture::isDone).count() + engine.inFlight(),
                calls.size());
    }

    /** Waits until a counter has grown by at least {@code by} since {@code before} (it is counted after the answer). */
    private void awaitCounter(String name, double before, int by) throws InterruptedException {
        awaitState(name + " increase", () -> (int) Math.round(metric(name) - before), by);
    }

    @Test
    @Order(1)
    void aFullQueueIsRefusedAtOnceWithRetryAfterOverRest() throws Exception {
        assertTrue(
                hook.getClass().getName().startsWith(SlowBatchHook.class.getName()),
                hook.getClass().getName());
        SlowBatchHook.hold();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int index = 0; index < 8; index++) {
            calls.add(postAsync(BOX));
        }
        awaitAnsweredOrAdmitted(calls);
        int admitted = engine.inFlight();
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            if (call.isDone()) {
                HttpResponse<String> response = call.get();
                assertEquals(429, response.statusCode(), response.body());
                assertEquals("2", response.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(response.body().contains("RESOURCE_EXHAUSTED"), response.body());
                refused++;
            }
        }
        // the worker and 2 queue slots admit 3; 2 if the worker had not yet taken the first when the others arrived
        assertTrue(admitted == 3 || admitted == 2, "the busy worker and the queue slots admit 2 or 3: " + admitted);
        assertEquals(8 - admitted, refused, "the rest is refused, answered while the worker is held");
        SlowBatchHook.release();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertTrue(List.of(200, 429).contains(call.get(60, TimeUnit.SECONDS).statusCode()));
        }
        assertEquals(
                admitted,
                calls.stream().filter(call -> call.join().statusCode() == 200).count(),
                "every admitted request is answered once released");

        SlowBatchHook.hold();
        CompletableFuture<HttpResponse<String>> busy = occupyTheWorker();
        List<CompletableFuture<HttpResponse<String>>> fill = List.of(postAsync(BOX), postAsync(BOX));
        awaitState("queue depth", engine::queueDepth, 2);
        HttpResponse<String> extra = postAsync(BOX).get(10, TimeUnit.SECONDS);
        assertEquals(429, extra.statusCode());
        // answered while the worker is held and the queue full: refused at once, not queued (queued, it would wait)
        assertFalse(busy.isDone(), "the worker was still held");
        assertEquals(2, engine.queueDepth());
        SlowBatchHook.release();
        busy.get(30, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<String>> call : fill) {
            call.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void aFullQueueIsRefusedWithResourceExhaustedOverGrpc() throws Exception {
        SlowBatchHook.hold();
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int index = 0; index < 8; index++) {
            calls.add(client.predictExpression(grpcRequest())
                    .map(Object.class::cast)
                    .onFailure()
                    .recoverWithItem(failure -> failure)
                    .subscribeAsCompletionStage());
        }
        awaitAnsweredOrAdmitted(calls);
        int admitted = engine.inFlight();
        long refused = calls.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .peek(outcome -> {
                    StatusRuntimeException failure = assertInstanceOf(StatusRuntimeException.class, outcome);
                    assertEquals(
                            Status.Code.RESOURCE_EXHAUSTED, failure.getStatus().getCode());
                    assertEquals("2", failure.getTrailers().get(ErrorMapper.RETRY_AFTER));
                })
                .count();
        assertTrue(admitted == 3 || admitted == 2, "the busy worker and the queue slots admit 2 or 3: " + admitted);
        assertEquals(8 - admitted, refused, "the rest is refused, answered while the worker is held");
        SlowBatchHook.release();
        for (CompletableFuture<Object> call : calls) {
            Object outcome = call.get(60, TimeUnit.SECONDS);
            assertTrue(
                    outcome instanceof PredictExpressionResponse || outcome instanceof StatusRuntimeException,
                    String.valueOf(outcome));
        }
        assertEquals(
                admitted,
                calls.stream()
                        .filter(call -> call.join() instanceof PredictExpressionResponse)
                        .count(),
                "every admitted call is answered once released");
    }

    @Test
    @Order(3)
    void aRequestWhoseDeadlinePassesInTheQueueIsAnswered504AndNeverComputed() throws Exception {
        SlowBatchHook.hold();
        CompletableFuture<HttpResponse<String>> busy = occupyTheWorker();
        double computedBefore = metric(MetricNames.COMPUTED_ITEMS);
        double expiredBefore = metric(MetricNames.EXPIRED_ITEMS);

        long start = System.nanoTime();
        HttpResponse<String> late = postAsync(BOX + "&timeout_ms=800").get(10, TimeUnit.SECONDS);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(504, late.statusCode());
        assertTrue(late.body().contains("DEADLINE_EXCEEDED"), late.body());
        // a lower bound only (a busy machine makes it later, never earlier); that it was the deadline and not the
        // worker that answered is the order: the only worker is still held
        assertTrue(waitedMillis >= 800, "not answered before its deadline: " + waitedMillis + " ms");
        assertFalse(busy.isDone(), "answered at its deadline, while the worker was still held");

        SlowBatchHook.release();
        assertEquals(200, busy.get(30, TimeUnit.SECONDS).statusCode());
        awaitCounter(MetricNames.COMPUTED_ITEMS, computedBefore, 1);
        assertEquals(0, engine.queueDepth(), "nothing left to compute");
        assertEquals(1.0, metric(MetricNames.COMPUTED_ITEMS) - computedBefore, "only the busy request was computed");
        assertEquals(1.0, metric(MetricNames.EXPIRED_ITEMS) - expiredBefore, "the late one was dropped uncomputed");
    }

    @Test
    @Order(4)
    void aGrpcDeadlineThatPassesInTheQueueDropsTheWork() throws Exception {
        SlowBatchHook.hold();
        CompletableFuture<HttpResponse<String>> busy = occupyTheWorker();
        double computedBefore = metric(MetricNames.COMPUTED_ITEMS);
        double expiredBefore = metric(MetricNames.EXPIRED_ITEMS);
        StatusRuntimeException failure = assertThrows(
                StatusRuntimeException.class,
                () -> blocking.withDeadlineAfter(800, TimeUnit.MILLISECONDS).predictExpression(grpcRequest()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, failure.getStatus().getCode());
        // the client gives up at its deadline whatever the server does; the server's side is its expired count
        awaitCounter(MetricNames.EXPIRED_ITEMS, expiredBefore, 1);
        assertFalse(busy.isDone(), "expired while the worker was still held");
        SlowBatchHook.release();
        assertEquals(200, busy.get(30, TimeUnit.SECONDS).statusCode());
        awaitCounter(MetricNames.COMPUTED_ITEMS, computedBefore, 1);
        assertEquals(0, engine.queueDepth(), "nothing left to compute");
        assertEquals(1.0, metric(MetricNames.COMPUTED_ITEMS) - computedBefore, "only the busy request was computed");
        assertEquals(
                1.0,
                metric(MetricNames.EXPIRED_ITEMS) - expiredBefore,
                "the server saw the gRPC deadline and dropped the queued request");
    }

    @Test
    @Order(5)
    void shutdownFinishesQueuedWorkThenAnswers503() throws Exception {
        SlowBatchHook.hold();
        CompletableFuture<HttpResponse<String>> first = occupyTheWorker();
        CompletableFuture<HttpResponse<String>> queued = postAsync(BOX);
        awaitState("queue depth", engine::queueDepth, 1);
        HealthCheckRequest faceAnalysis = HealthCheckRequest.newBuilder()
                .setService("pros.v1.FaceAnalysis")
                .build();
        java.util.concurrent.BlockingQueue<ServingStatus> watched = new java.util.concurrent.LinkedBlockingQueue<>();
        healthWatch.watch(faceAnalysis).subscribe().with(response -> watched.add(response.getStatus()), failure -> {});
        assertEquals(ServingStatus.SERVING, watched.poll(10, TimeUnit.SECONDS), "Watch starts with the status");
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> engine.stop(Duration.ofSeconds(20)));
        // the Watch's NOT_SERVING is the signal that stop() has begun (no sleep). gRPC health follows HTTP readiness
        // at once: NOT_SERVING for the server and its services while draining
        assertEquals(ServingStatus.NOT_SERVING, watched.poll(10, TimeUnit.SECONDS), "Watch streams the change");
        assertEquals(
                ServingStatus.NOT_SERVING,
                health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(ServingStatus.NOT_SERVING, health.check(faceAnalysis).getStatus());

        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?" + BOX)
                .then()
                .statusCode(503)
                .header("Retry-After", "2")
                .body("code", equalTo("UNAVAILABLE"))
                .body("message", containsString("shutting down"));
        StatusRuntimeException failure =
                assertThrows(StatusRuntimeException.class, () -> blocking.predictExpression(grpcRequest()));
        assertEquals(Status.Code.UNAVAILABLE, failure.getStatus().getCode());
        given().when().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        assertFalse(first.isDone(), "all of the above happened while the worker was held");
        assertFalse(stopping.isDone(), "stop() waits for the admitted work");

        SlowBatchHook.release();
        assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode(), "in progress when stopping: finished");
        assertEquals(200, queued.get(30, TimeUnit.SECONDS).statusCode(), "queued when stopping: finished (drained)");
        stopping.get(30, TimeUnit.SECONDS);
    }
}
