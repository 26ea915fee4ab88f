package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.PredictExpressionRequest;
import io.prosface.grpc.v1.PredictExpressionResponse;
import io.prosface.server.finetune.heads.ArtifactZip;
import io.prosface.server.finetune.heads.HeadCatalog;
import io.prosface.server.finetune.heads.HeadRecord;
import io.prosface.server.finetune.heads.HeadStore;
import io.prosface.server.finetune.jobs.JobExecutor;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.jobs.JobState;
import io.prosface.server.finetune.jobs.JobStore;
import io.prosface.server.finetune.store.Database;
import io.prosface.server.finetune.store.Sha256;
import io.quarkus.grpc.GrpcClient;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One replica of the shared-store pair (PostgreSQL): it trains a head, serves it, serves the head the OTHER replica
 * trained (whichever of the two runs second must find it: a system property, visible across the test instances of
 * one JVM, tells it the other ran), and picks up a version that appears in the database while it runs (the poll
 * that keeps replicas in step). Subclasses choose the replica; JUnit and Quarkus run them as two server instances
 * one after the other on the same database (two live servers in one test JVM are not possible: DJL's native
 * libraries load once per JVM, so the second instance would have to be a separate process from the packaged jar,
 * which does not exist yet when tests run).
 */
abstract class SharedStoreReplicaTest {

    @Inject
    HeadStore heads;

    @Inject
    JobStore jobs;

    @Inject
    Database database;

    @Inject
    JobExecutor executor;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub faces;

    private static final List<FewShotData.Item> SET = FewShotData.hairColours(8, 0);

    abstract String otherReplica();

    @Test
    void trainsServesAndSharesHeadsThroughPostgres() {
        assertEquals(
                "shared",
                io.smallrye.config.SmallRyeConfigProviderResolver.instance()
                        .getConfig()
                        .getValue("pros.finetune.datasource", String.class));
        String me = executor.replicaId();
        String name = "shared-" + me + "-" + Long.toHexString(System.nanoTime());
        String id = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("epochs", "10")
                .multiPart("crop", "none")
                .multiPart("archive", "set.zip", FewShotData.zip(SET, "manifest.csv", FewShotData.csv(SET, "label")))
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        awaitSucceeded(id);
        assertEquals(me, jobs.find(id).orElseThrow().owner(), "trained here");
        assertEquals("v1", predict(name, "v1").getModel().getHeads(0).getHead().getVersion());
        System.setProperty("pros.test.shared-store." + me, name);

        // the other replica's newest head, trained there, is served here
        String otherRan = System.getProperty("pros.test.shared-store." + otherReplica());
        Optional<HeadRecord> theirs = heads.published().stream()
                .filter(head -> head.jobId() != null
                        && jobs.find(head.jobId())
                                .map(JobRecord::owner)
                                .filter(otherReplica()::equals)
                                .isPresent())
                .max(java.util.Comparator.comparing(HeadRecord::createdAt));
        if (otherRan != null) {
            assertTrue(theirs.isPresent(), "the other replica published " + otherRan);
            assertEquals(otherRan, theirs.get().name());
        }
        theirs.ifPresent(head -> {
            awaitServed(head.key());
            PredictExpressionResponse answer = predict(head.name(), "v" + head.version());
            assertEquals(head.name(), answer.getModel().getHeads(0).getHead().getName());
            System.out.printf("replica %s serves %s, trained by %s%n", me, head.key(), otherReplica());
        });

        // a version another replica publishes while this one runs is served within the poll interval
        publishElsewhere(name, 2);
        awaitServed(name + "@v2");
        assertEquals("v2", predict(name, "v2").getModel().getHeads(0).getHead().getVersion());
        given().header("Authorization", FewShotData.READER)
                .queryParam("name", name)
                .get("/v1/finetune/heads")
                .then()
                .statusCode(200)
                .body("heads.ref", equalTo(List.of(name + "@v2", name + "@v1")))
                .body("heads.served", equalTo(List.of(true, true)));
        assertEquals("v1", predict(name, "").getModel().getHeads(0).getHead().getVersion(), "v1 stays current");
        // v3 trains the last block too: its artifact (head + tail) goes through PostgreSQL like any other blob, and
        // the replica that runs second loads it as "the other replica's newest head"
        String second = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("epochs", "5")
                .multiPart("crop", "none")
                .multiPart("unfrozen_blocks", "1")
                .multiPart("archive", "set.zip", FewShotData.zip(SET, "manifest.csv", FewShotData.csv(SET, "label")))
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        awaitSucceeded(second);
        given().header("Authorization", FewShotData.READER)
                .get("/v1/finetune/jobs/" + second)
                .then()
                .body("headVersion", equalTo("v3"));
        assertEquals("v3", predict(name, "").getModel().getHeads(0).getHead().getVersion());
    }

    @Inject
    io.prosface.server.inference.engine.InferenceEngine engine;

    /** What another replica's publication leaves in the database: a complete, checksummed, published row. */
    private void publishElsewhere(String name, int version) {
        var registry = engine.registry();
        var backbone = ((io.prosface.core.model.VisionTransformer) registry.backbone()).config();
        List<String> labels = List.of("black", "blond");
        try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            var head = io.prosface.core.model.GenericHead.classification(labels);
            head.initializeParameters(manager, backbone.embedDim(), backbone.numPatches());
            java.nio.file.Path directory =
                    java.nio.file.Files.createTempDirectory("other-replica").resolve("head");
            io.prosface.core.model.HeadArtifact.save(
                    directory,
                    new io.prosface.core.model.HeadConfig(
                            name, version, io.prosface.core.model.HeadKind.CLASSIFICATION, labels),
                    head,
                    backbone,
                    registry.backboneSha256());
            byte[] artifact = ArtifactZip.pack(directory);
            database.transaction(connection -> {
                try (var insert = connection.prepareStatement(
                        "INSERT INTO head_version (name, version, kind, labels, "
                                + "backbone, artifact, artifact_sha256, published, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?)")) {
                    insert.setString(1, name);
                    insert.setInt(2, version);
                    insert.setString(3, "CLASSIFICATION");
                    insert.setString(4, "[\"black\",\"blond\"]");
                    insert.setString(5, HeadCatalog.backboneId(registry));
                    insert.setBytes(6, artifact);
                    insert.setString(7, Sha256.of(artifact));
                    insert.setTimestamp(8, java.sql.Timestamp.from(Instant.now()));
                    return insert.executeUpdate();
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitSucceeded(String id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        JobRecord job = jobs.find(id).orElseThrow();
        while (!job.state().terminal() && Instant.now().isBefore(deadline)) {
            sleep();
            job = jobs.find(id).orElseThrow();
        }
        assertEquals(JobState.SUCCEEDED, job.state(), job.toString());
    }

    @Inject
    HeadCatalog catalog;

    private void awaitServed(String key) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!catalog.loadedKeys().contains(key) && Instant.now().isBefore(deadline)) {
            sleep();
        }
        assertTrue(catalog.loadedKeys().contains(key), key + " served within the poll interval");
    }

    private PredictExpressionResponse predict(String name, String version) {
        return faces.predictExpression(PredictExpressionRequest.newBuilder()
                .setImage(ByteString.copyFrom(SET.get(0).bytes()))
                .setFaceBox(BoundingBox.newBuilder().setWidth(89).setHeight(109))
                .setHead(HeadRef.newBuilder().setName(name).setVersion(version))
                .build());
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
