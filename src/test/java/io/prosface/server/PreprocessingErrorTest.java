package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} in the preprocessing threads (a decoder that overflows its stack, a heap that runs out) must still
 * answer the request, at once and with an error status, not leave the client waiting past its deadline. The failure
 * is injected in the decoder: an ImageIO plugin that throws while reading pixels ({@link FailingImageReader}).
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class PreprocessingErrorTest {

    /** The client's deadline; an answer must come well before it. */
    private static final long DEADLINE_SECONDS = 20;

    private static final long ANSWERED_WITHIN_MS = 10_000;
    /** Without the fix the REST call never returns: give up on the socket instead of hanging the build. */
    private static final RestAssuredConfig SOCKET_TIMEOUT = RestAssuredConfig.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.socket.timeout", (int) ANSWERED_WITHIN_MS + 5_000));

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @Test
    void decoderThrowingStackOverflowErrorAnswersInternalAtOnce() throws Exception {
        try (AutoCloseable reader = FailingImageReader.install(() -> new StackOverflowError("injected by the test"))) {
            double countedBefore = internalAnalyzeErrors();
            assertGrpcFailsFast(Status.Code.INTERNAL);
            long started = System.nanoTime();
            given().config(SOCKET_TIMEOUT)
                    .contentType("image/bmp")
                    .body(FailingImageReader.image())
                    .when()
                    .post("/v1/analyze?timeout_ms=" + DEADLINE_SECONDS * 1000)
                    .then()
                    .statusCode(500)
                    .body("message", containsString("internal error"));
            assertTrue(elapsedMs(started) < ANSWERED_WITHIN_MS, "REST answered in " + elapsedMs(started) + " ms");
            assertEquals(
                    countedBefore + 2, internalAnalyzeErrors(), "both failures counted as INTERNAL in the metrics");
        }
    }

    /** pros_requests_total of Analyze answered INTERNAL, over both APIs. */
    private static double internalAnalyzeErrors() {
        String scrape = Metrics.scrape();
        return Metrics.value(scrape, "pros_requests_total", "api=\"http\"", "method=\"analyze\"", "status=\"INTERNAL\"")
                + Metrics.value(
                        scrape, "pros_requests_total", "api=\"grpc\"", "method=\"Analyze\"", "status=\"INTERNAL\"");
    }

    @Test
    void decoderThrowingOutOfMemoryErrorAnswersUnavailableAtOnce() throws Exception {
        try (AutoCloseable reader = FailingImageReader.install(() -> new OutOfMemoryError("injected by the test"))) {
            StatusRuntimeException failure = assertGrpcFailsFast(Status.Code.UNAVAILABLE);
            assertTrue(
                    failure.getStatus().getDescription().contains("out of memory"),
                    failure.getStatus().getDescription());
            given().config(SOCKET_TIMEOUT)
                    .contentType("image/bmp")
                    .body(FailingImageReader.image())
                    .when()
                    .post("/v1/analyze")
                    .then()
                    .statusCode(503)
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                    .body("message", containsString("out of memory"));
        }
        // the server keeps serving
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200);
    }

    @Test
    void anOutOfMemoryErrorTakesTheReplicaOutOfReadinessWithTheReasonAndThreeMakeLivenessAskForARestart()
            throws Exception {
        try (AutoCloseable reader = FailingImageReader.install(() -> new OutOfMemoryError("injected by the test"))) {
            given().contentType("image/bmp")
                    .body(FailingImageReader.image())
                    .when()
                    .post("/v1/analyze")
                    .then()
                    .statusCode(503);
            given().when()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'out-of-memory' }.status", equalTo("DOWN"))
                    .body(
                            "checks.find { it.name == 'out-of-memory' }.data.lastError",
                            containsString("OutOfMemoryError (injected by the test) while preparing an image"))
                    .body(
                            "checks.find { it.name == 'out-of-memory' }.data.reason",
                            containsString("pros.health.out-of-memory-cooldown"))
                    .body("checks.find { it.name == 'model' }.status", equalTo("UP"));
            given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));

            assertGrpcFailsFast(Status.Code.UNAVAILABLE);
            assertGrpcFailsFast(Status.Code.UNAVAILABLE);
            given().when()
                    .get("/q/health/live")
                    .then()
                    .statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body(
                            "checks.find { it.name == 'out-of-memory' }.data.reason",
                            containsString("3 OutOfMemoryErrors within 6 s"))
                    .body("checks.find { it.name == 'inference-workers' }.status", equalTo("UP"));
        }
        // the cooldown (2 s under %test) and the window (6 s) pass: the replica serves and is ready and alive again
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200);
        waitForHealthyAndForgotten();
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'out-of-memory' }.data.lastError", containsString("s ago"));
    }

    /**
     * After each test: ready and alive again, and no OutOfMemoryError left in the liveness window, so that tests
     * (here and in other classes of this Quarkus application) start from a healthy replica.
     */
    @AfterEach
    void waitForHealthyAndForgotten() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonPath live =
                    given().when().get("/q/health/live").then().extract().jsonPath();
            int ready = given().when().get("/q/health/ready").then().extract().statusCode();
            Integer inWindow = live.get("checks.find { it.name == 'out-of-memory' }.data.errorsInWindow");
            if (ready == 200 && "UP".equals(live.getString("status")) && (inWindow == null || inWindow == 0)) {
                return;
            }
            assertTrue(System.nanoTime() < until, "still unhealthy 30 s after the test: " + live.prettify());
            Thread.sleep(200);
        }
    }

    private StatusRuntimeException assertGrpcFailsFast(Status.Code expected) {
        long started = System.nanoTime();
        StatusRuntimeException failure = assertThrows(
                StatusRuntimeException.class,
                () -> blocking.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .analyze(AnalyzeRequest.newBuilder()
                                .setImage(ByteString.copyFrom(FailingImageReader.image()))
                                .build()));
        assertEquals(
                expected,
                failure.getStatus().getCode(),
                String.valueOf(failure.getStatus().getDescription()));
        assertTrue(elapsedMs(started) < ANSWERED_WITHIN_MS, "gRPC answered in " + elapsedMs(started) + " ms");
        return failure;
    }

    private static long elapsedMs(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
