package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prosface.server.TestCheckpoint;
import io.prosface.server.finetune.heads.HeadStore;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jobs that keep every token of every view in memory (unfrozen_blocks &gt; 0, landmark heads) are refused at upload
 * when their cache would exceed pros.finetune.max-token-cache-bytes (64 KiB here), with the numbers in the message
 * and nothing stored; the same upload as a frozen classification job (one pooled token per view) is accepted.
 */
@QuarkusTest
@TestProfile(TokenCacheLimitTest.SmallCache.class)
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class TokenCacheLimitTest {

    public static final class SmallCache implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pros.finetune.max-token-cache-bytes", "65536");
        }
    }

    @Inject
    HeadStore store;

    private static final List<FewShotData.Item> ITEMS = FewShotData.expressions(List.of("happiness", "neutral"), 6, 0);

    private static io.restassured.specification.RequestSpecification upload(String name, int unfrozenBlocks) {
        return given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("unfrozen_blocks", Integer.toString(unfrozenBlocks))
                .multiPart("augmented_views", "2")
                .multiPart(
                        "archive",
                        "set.zip",
                        FewShotData.zip(ITEMS, "manifest.csv", FewShotData.csv(ITEMS, "label")),
                        "application/zip");
    }

    @Test
    void aTailJobWhoseTokenCacheIsTooLargeIsRefusedWithTheNumbers() {
        Map<String, Long> before = store.counts();
        // input: 12 faces, unfrozen_blocks=1, augmented_views=2 -> ~31 views x 17 tokens x 64 floats > 64 KiB
        upload("too-big-cache", 1)
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("pros.finetune.max-token-cache-bytes"))
                .body("message", containsString("tokens"));
        assertEquals(before.get("finetune_job"), store.counts().get("finetune_job"), "a refused upload adds no job");
    }

    @Test
    void theSameUploadAsAFrozenJobIsAccepted() {
        upload("pooled-cache", 0).when().post("/v1/finetune/jobs").then().statusCode(202);
    }
}
