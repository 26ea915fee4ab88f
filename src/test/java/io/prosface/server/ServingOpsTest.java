package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prosface.core.RepositoryRoot;
import io.prosface.core.data.Expression;
import io.prosface.core.model.HeadArtifact;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Health, OpenAPI, metrics names, hot swap of heads, and native memory under traffic. */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class ServingOpsTest {

    private static final VisionTransformerConfig MICRO = VisionTransformerConfig.variant("vit_micro_patch8_32");
    /** A metric name as Prometheus queries spell it. */
    private static final Pattern METRIC_NAME = Pattern.compile("\\bpros_[a-z0-9_]+");
    /** prometheus-adapter's {@code as: "name"}: the name the custom-metrics API serves a series under. */
    private static final Pattern ADAPTER_RENAME = Pattern.compile("\\bas: \"(pros_[a-z0-9_]+)\"");

    @Inject
    InferenceEngine engine;

    @Test
    void healthChecksReportLiveStartedAndReady() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'model' }.data.state", equalTo("READY"))
                .body("checks.find { it.name == 'model' }.data.device", equalTo("cpu()"));
    }

    @Test
    void openApiDescribesTheRoutesAndSwaggerUiIsServed() {
        String openApi = given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        for (String route :
                new String[] {"/v1/analyze", "/v1/attributes", "/v1/expression", "/v1/landmarks", "/v1/embed"}) {
            assertTrue(openApi.contains("\"" + route + "\""), route + " documented");
        }
        assertTrue(openApi.contains("multipart/form-data") && openApi.contains("image/*"));
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    /**
     * The names the autoscalers (HPA through prometheus-adapter, KEDA) and the load-test report query are read from
     * k8s/ and load-tests/ themselves, so renaming a meter in the server, or a query in a manifest, fails here.
     */
    @Test
    void servingMetricsUseTheContractNames() throws Exception {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/embed?box=20,20,150,160")
                .then()
                .statusCode(200);
        String scrape = Metrics.scrape();
        Set<String> exported = scrape.lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> queried = new TreeSet<>();
        Set<String> derived = new TreeSet<>();
        for (Path file : contractFiles()) {
            String text = Files.readString(file);
            Matcher name = METRIC_NAME.matcher(text);
            while (name.find()) {
                queried.add(name.group());
            }
            // prometheus-adapter's `as:` names that no `matches:` scrapes under the same name are series the
            // adapter computes (a mean of two scraped ones), never exported by the server
            Matcher renamed = ADAPTER_RENAME.matcher(text);
            while (renamed.find()) {
                if (!text.contains("matches: \"^" + renamed.group(1) + "$\"")) {
                    derived.add(renamed.group(1));
                }
            }
        }
        queried.removeAll(derived);
        // guards the grep itself: the HPA/KEDA signal and the load report's histograms must have been found
        assertTrue(
                queried.containsAll(Set.of(
                        "pros_inference_in_flight",
                        "pros_inference_queue_seconds_count",
                        "pros_inference_batch_size_sum",
                        "pros_inference_items_total")),
                "names found: " + queried);
        assertEquals(Set.of("pros_inference_queue_seconds_mean"), derived, "adapter-computed series");

        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        assertTrue(
                missing.isEmpty(),
                "queried by k8s/ or load-tests/ but not in /q/metrics: " + missing + "; exported pros_ series: "
                        + exported.stream().filter(n -> n.startsWith("pros_")).toList());
        for (String name : new String[] {
            "pros_inference_queue_seconds_bucket",
            "pros_inference_compute_seconds_bucket",
            "pros_inference_batch_size_bucket",
            "pros_inference_queue_depth",
            "pros_requests_total"
        }) {
            assertTrue(exported.contains(name), name + " exported");
        }
        assertTrue(
                Metrics.value(scrape, "pros_requests_total", "api=\"http\"", "method=\"embed\"", "status=\"OK\"") >= 1);
        assertTrue(Metrics.value(scrape, "pros_inference_items_total") >= 1, "the embed request was computed");
    }

    /** The machine-read files that name metrics: k8s manifests and the load generator's sources (not READMEs). */
    private static List<Path> contractFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String root : new String[] {"k8s", "load-tests/src"}) {
            try (var walk = Files.walk(RepositoryRoot.resolve(root))) {
                walk.filter(Files::isRegularFile)
                        .filter(file -> file.toString().endsWith(".yaml")
                                || file.toString().endsWith(".yml")
                                || file.toString().endsWith(".java"))
                        .forEach(files::add);
            }
        }
        assertFalse(files.isEmpty(), "run from the repository root: k8s/ and load-tests/ not found");
        return files;
    }

    @Test
    void aHeadIsSwappedWithoutARestartAndTheOldOneClosedAfterItsLastUse() throws Exception {
        ModelRegistry registry = engine.registry();
        Path second = writeExpressionHead(2);
        LoadedHead v2 = registry.addVersion(second, true);
        assertEquals("expression@v2", v2.key());
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160")
                .then()
                .statusCode(200)
                .body("model.heads.head.version", hasItem("v2"));
        // the replaced version stays servable by name until it is removed
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160&head=expression@v1")
                .then()
                .statusCode(200)
                .body("model.heads.head.version", hasItem("v1"));
        assertTrue(registry.removeVersion("expression", 1));
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160&head=expression@v1")
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"));

        // a request in flight holds v2: swapping in v3 and removing v2 must not free it under that request
        LoadedHead inUse = registry.retain(FaceTask.EXPRESSION, null);
        assertEquals(v2, inUse);
        LoadedHead v3 = registry.addVersion(writeExpressionHead(3), true);
        assertTrue(registry.removeVersion("expression", 2));
        assertFalse(v2.isClosed(), "still in use");
        registry.release(inUse);
        assertTrue(v2.isClosed(), "closed after its last use");
        assertFalse(v3.isClosed());
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/expression?box=20,20,150,160")
                .then()
                .statusCode(200)
                .body("model.heads.head.version", hasItem("v3"))
                .body("faces[0].expression.distribution.label", equalTo(Expression.labels()));
    }

    @Test
    void nativeArraysDoNotGrowWithTraffic() {
        ModelRegistry registry = engine.registry();
        byte[] image = TestImages.lfpwJpeg();
        given().contentType("image/jpeg")
                .body(image)
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200);
        int before = registry.managedArrayCount();
        for (int index = 0; index < 20; index++) {
            given().contentType("image/jpeg")
                    .body(image)
                    .when()
                    .post("/v1/analyze")
                    .then()
                    .statusCode(200);
        }
        assertEquals(before, registry.managedArrayCount(), "every batch's arrays were freed with its manager");
    }

    private static Path writeExpressionHead(int version) throws Exception {
        Path directory = Files.createTempDirectory("pros-head-").resolve("expression-v" + version);
        try (NDManager manager = NDManager.newBaseManager()) {
            TaskHead head = TaskHead.create(HeadKind.EXPRESSION, Expression.labels());
            head.initializeParameters(manager, MICRO.embedDim(), MICRO.numPatches());
            HeadArtifact.save(
                    directory,
                    new HeadConfig("expression", version, HeadKind.EXPRESSION, Expression.labels()),
                    head,
                    MICRO,
                    null);
        }
        return directory;
    }
}
