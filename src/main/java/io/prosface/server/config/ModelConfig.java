package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which checkpoint the server loads. */
@ConfigMapping(prefix = "pros.model")
public interface ModelConfig {

    /**
     * Checkpoint directory (config.json, parameters, SHA256SUMS), absolute or relative to the working directory.
     * The README's run command starts from the repository root, where {@code models/default} lives.
     */
    @WithDefault("models/default")
    String path();
}
