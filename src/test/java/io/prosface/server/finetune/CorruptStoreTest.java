package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.TestImages;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A job store that cannot be read must not take predictions with it: only fine-tuning answers 503. */
@QuarkusTest
@TestProfile(CorruptStoreProfile.class)
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class CorruptStoreTest {

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub grpc;

    @Test
    void aCorruptStoreFileStillServesAnalyze() {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze?box=20,20,150,160")
                .then()
                .statusCode(200)
                .body("faces.size()", equalTo(1));
        var answer = grpc.analyze(AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.lfpwJpeg()))
                .setFaceBox(
                        BoundingBox.newBuilder().setX(20).setY(20).setWidth(150).setHeight(160))
                .build());
        assertEquals(1, answer.getFacesCount());
    }

    @Test
    void aCorruptStoreFileAnswersFineTuningWith503NamingTheStore() {
        given().header("Authorization", FewShotData.ADMIN)
                .when()
                .get("/v1/finetune/jobs")
                .then()
                .statusCode(503)
                .body(containsString("fine-tuning store"));
    }

    @Test
    void aCorruptStoreFileKeepsThePodReadyAndNamesFineTuningUnhealthy() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().when()
                .get("/q/health")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'fine-tuning-store' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'fine-tuning-store' }.data.error", containsString("corrupt"));
    }

    @Test
    void aCorruptStoreFileIsNamedUnhealthyWithoutShowingItsPathOrJdbcUrl() {
        String health = given().when()
                .get("/q/health")
                .then()
                .statusCode(503)
                .body(
                        "checks.find { it.name == 'fine-tuning-store' }.data.error",
                        containsString("the database file is corrupt"))
                .body("checks.find { it.name == 'fine-tuning-store' }.data.datasource", equalTo("embedded"))
                .extract()
                .asString();
        for (String secret : new String[] {
            "jdbc:",
            "corrupt-db",
            "prosface.mv.db",
            "'pros'",
            Path.of("target").toAbsolutePath().toString()
        }) {
            assertFalse(health.contains(secret), "/q/health shows '" + secret + "': " + health);
        }
    }
}
