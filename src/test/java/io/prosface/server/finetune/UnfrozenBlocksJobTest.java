package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.FineTuningGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.JobState;
import io.prosface.grpc.v1.LabelProbability;
import io.prosface.grpc.v1.PredictExpressionRequest;
import io.prosface.grpc.v1.PredictExpressionResponse;
import io.prosface.grpc.v1.WatchJobRequest;
import io.prosface.grpc.v1.WatchJobResponse;
import io.prosface.server.TestCheckpoint;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jobs with unfrozen_blocks = k &gt; 0 on the vit_micro test model (depth 2): the last k blocks train with the head,
 * travel with it, and serve at once over gRPC and REST; the tail really is used (answers differ from the frozen job's
 * head on the same data), and it shares the batch with heads that read the plain backbone output.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class UnfrozenBlocksJobTest {

    @GrpcClient("face")
    FineTuningGrpc.FineTuningBlockingStub fineTuning;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub faces;

    @Test
    void aJobWithTheLastBlocksUnfrozenIsServedAndAnswersDifferentlyFromAFrozenOne() {
        String suffix = Long.toHexString(System.nanoTime());
        List<FewShotData.Item> items = FewShotData.hairColours(30, 0);
        String frozen = succeeded(submit("frozen-" + suffix, items, 0));
        String oneBlock = succeeded(submit("tail1-" + suffix, items, 1));
        String allBlocks = succeeded(submit("tail2-" + suffix, items, 2));

        int differing = 0;
        int answered = 0;
        for (FewShotData.Item item : FewShotData.hairColours(4, 30)) {
            PredictExpressionResponse withTail = predict(oneBlock, item);
            if (withTail.getFacesCount() == 0) {
                continue;
            }
            answered++;
            assertEquals(oneBlock, withTail.getModel().getHeads(0).getHead().getName());
            assertTrue(FineTuneJobTest.CLASSES.contains(
                    withTail.getFaces(0).getExpression().getLabel()));
            float[] tailed = distribution(withTail.getFaces(0).getExpression().getDistributionList());
            float[] plain = distribution(
                    predict(frozen, item).getFaces(0).getExpression().getDistributionList());
            float[] deeper = distribution(
                    predict(allBlocks, item).getFaces(0).getExpression().getDistributionList());
            System.out.printf(
                    "%s: k=1 %s, frozen %s, k=2 %s%n",
                    item.name(),
                    java.util.Arrays.toString(tailed),
                    java.util.Arrays.toString(plain),
                    java.util.Arrays.toString(deeper));
            // probabilities near 0 or 1 saturate: a small threshold, and most (not all) faces must differ
            differing += maxDifference(tailed, plain) > 1e-5 && maxDifference(tailed, deeper) > 1e-5 ? 1 : 0;

            // REST, in one batch with the built-in attributes head (plain backbone output) and the embedding
            JsonPath rest = given().contentType("image/jpeg")
                    .body(item.bytes())
                    .when()
                    .post("/v1/analyze?tasks=expression,attributes,embedding&head=" + oneBlock + "@v1")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertEquals(withTail.getFaces(0).getExpression().getLabel(), rest.getString("faces[0].expression.label"));
            List<Float> restDistribution = rest.getList("faces[0].expression.distribution.probability", Float.class);
            for (int index = 0; index < tailed.length; index++) {
                assertEquals(tailed[index], restDistribution.get(index), 1e-5, "REST and gRPC disagree");
            }
            assertNotNull(rest.get("faces[0].attributes"));
            assertNotNull(rest.get("faces[0].embedding"));
        }
        assertTrue(answered >= 3, "the detector finds most faces: " + answered);
        assertTrue(
                differing * 4 >= answered * 3,
                "the tail heads must answer differently from the frozen head and " + "from each other: " + differing
                        + " of " + answered + " faces differ");
    }

    @Test
    void moreUnfrozenBlocksThanTheBackboneHasAreRefused() {
        List<FewShotData.Item> items = FewShotData.hairColours(3, 0);
        given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", "too-deep")
                .multiPart("unfrozen_blocks", "3")
                .multiPart(
                        "archive",
                        "hair.zip",
                        FewShotData.zip(items, "manifest.csv", FewShotData.csv(items, "label")),
                        "application/zip")
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("INVALID_ARGUMENT"))
                .body("message", org.hamcrest.Matchers.containsString("unfrozen_blocks must be in [0, 2]"));
    }

    private static String submit(String name, List<FewShotData.Item> items, int unfrozenBlocks) {
        String id = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("validation_split", "0.25")
                .multiPart("seed", "7")
                .multiPart("epochs", "30")
                .multiPart("unfrozen_blocks", Integer.toString(unfrozenBlocks))
                .multiPart(
                        "archive",
                        "hair.zip",
                        FewShotData.zip(items, "manifest.csv", FewShotData.csv(items, "label")),
                        "application/zip")
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        return id + "/" + name + "/" + unfrozenBlocks;
    }

    /** Follows the job over gRPC until it ends; returns the head name once it SUCCEEDED. */
    private String succeeded(String idAndName) {
        String[] parts = idAndName.split("/");
        List<WatchJobResponse> updates = new ArrayList<>();
        Iterator<WatchJobResponse> stream = withKey(FewShotData.READER)
                .watchJob(WatchJobRequest.newBuilder().setJobId(parts[0]).build());
        stream.forEachRemaining(updates::add);
        io.prosface.grpc.v1.Job last = updates.get(updates.size() - 1).getJob();
        assertEquals(JobState.JOB_STATE_SUCCEEDED, last.getState(), last.getErrorMessage());
        // the job reports what it ran with, over gRPC and REST alike
        int asked = Integer.parseInt(parts[2]);
        assertEquals(asked, last.getOptions().getUnfrozenBlocks(), "gRPC Job.options.unfrozen_blocks");
        assertEquals(30, last.getOptions().getEpochs());
        given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs/" + parts[0])
                .then()
                .statusCode(200)
                .body("options.unfrozenBlocks", org.hamcrest.Matchers.equalTo(asked))
                .body("options.epochs", org.hamcrest.Matchers.equalTo(30))
                .body("options.crop", org.hamcrest.Matchers.equalTo("detect"));
        System.out.printf("job %s (%s): validation %s%n", parts[1], parts[0], last.getValidationMetricsMap());
        return parts[1];
    }

    private PredictExpressionResponse predict(String head, FewShotData.Item item) {
        return faces.predictExpression(PredictExpressionRequest.newBuilder()
                .setImage(ByteString.copyFrom(item.bytes()))
                .setHead(HeadRef.newBuilder().setName(head).setVersion("v1"))
                .build());
    }

    private static float[] distribution(List<LabelProbability> probabilities) {
        float[] values = new float[probabilities.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = probabilities.get(index).getProbability();
        }
        return values;
    }

    private static double maxDifference(float[] left, float[] right) {
        double largest = 0;
        for (int index = 0; index < left.length; index++) {
            largest = Math.max(largest, Math.abs(left[index] - right[index]));
        }
        return largest;
    }

    private FineTuningGrpc.FineTuningBlockingStub withKey(String authorization) {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return fineTuning.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }
}
