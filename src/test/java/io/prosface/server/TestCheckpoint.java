package io.prosface.server;

import io.prosface.server.inference.registry.RandomCheckpoint;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Gives every {@code @QuarkusTest} a model to serve before the trained default exists: a random vit_micro checkpoint
 * with the three face heads, written once to {@code target/test-checkpoint} and passed as {@code pros.model.path}.
 */
public class TestCheckpoint implements QuarkusTestResourceLifecycleManager {

    public static final Path DIRECTORY = Path.of("target", "test-checkpoint").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        try {
            if (!Files.exists(DIRECTORY.resolve("config.json"))) {
                RandomCheckpoint.write(DIRECTORY, "vit_micro_patch8_32");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test checkpoint", e);
        }
        return Map.of("pros.model.path", DIRECTORY.toString());
    }

    @Override
    public void stop() {}
}
