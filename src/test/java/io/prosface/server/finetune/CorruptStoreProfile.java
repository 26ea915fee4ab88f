package io.prosface.server.finetune;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** The embedded store points at an H2 file that holds garbage (a disk error, a half-copied backup). */
public class CorruptStoreProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path directory = Files.createDirectories(Path.of("target", "corrupt-db"));
            byte[] garbage = new byte[64 * 1024];
            new Random(13).nextBytes(garbage);
            Files.write(directory.resolve("prosface.mv.db"), garbage);
            String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("prosface") + ";DB_CLOSE_ON_EXIT=FALSE";
            return Map.of("quarkus.datasource.\"embedded\".jdbc.url", url);
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }
}
