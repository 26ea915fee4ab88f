package io.prosface.server.finetune;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Two server instances on one real PostgreSQL database (PROS_TEST_POSTGRES_URL, see scripts/start-test-postgres.sh):
 * the same settings the {@code postgres} profile sets, with distinct replica ids.
 */
final class SharedStoreProfiles {

    static final String URL_VARIABLE = "PROS_TEST_POSTGRES_URL";

    private SharedStoreProfiles() {}

    static Map<String, String> overrides(String replicaId) {
        String url = System.getenv(URL_VARIABLE);
        return Map.of(
                "pros.finetune.datasource", "shared",
                "quarkus.datasource.\"embedded\".active", "false",
                "quarkus.datasource.\"shared\".active", "true",
                "quarkus.datasource.\"shared\".jdbc.url", url == null ? "jdbc:postgresql://absent/absent" : url,
                "pros.finetune.replica-id", replicaId);
    }

    /** The first replica. */
    public static final class ReplicaA implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return overrides("replica-a");
        }
    }

    /** The second replica. */
    public static final class ReplicaB implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return overrides("replica-b");
        }
    }
}
