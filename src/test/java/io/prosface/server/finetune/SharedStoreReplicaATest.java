package io.prosface.server.finetune;

import io.prosface.server.TestCheckpoint;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Replica A of the shared PostgreSQL store. */
@QuarkusTest
@TestProfile(SharedStoreProfiles.ReplicaA.class)
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
@EnabledIfEnvironmentVariable(
        named = SharedStoreProfiles.URL_VARIABLE,
        matches = ".+",
        disabledReason = "PROS_TEST_POSTGRES_URL is not set: start a throwaway PostgreSQL with "
                + "'export PROS_TEST_POSTGRES_URL=$(scripts/start-test-postgres.sh)' (.ci/run does)")
class SharedStoreReplicaATest extends SharedStoreReplicaTest {

    @Override
    String otherReplica() {
        return "replica-b";
    }
}
