package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Set;

/**
 * API keys for the fine-tuning and head-management APIs (HTTP {@code Authorization: Bearer <key>}, gRPC
 * {@code authorization} metadata). The prediction APIs stay open. No key configured: every protected call is refused.
 *
 * <pre>
 * pros.auth.api-keys.ci.key=...          # the secret (set it from the environment: PROS_AUTH_API_KEYS_CI_KEY)
 * pros.auth.api-keys.ci.roles=admin      # read: follow jobs and list heads; admin: also upload, cancel, promote, delete
 * </pre>
 */
@ConfigMapping(prefix = "pros.auth")
public interface AuthConfig {

    /** Keys by a name used only in logs (never the secret). */
    Map<String, ApiKey> apiKeys();

    /** One key. */
    interface ApiKey {

        /** The secret clients send. */
        String key();

        /** {@code read} and/or {@code admin} (admin includes read). */
        @WithDefault("admin")
        Set<String> roles();
    }
}
