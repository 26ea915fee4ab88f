package io.prosface.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.prosface.core.RepositoryRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} holds, between its generated markers, exactly what {@link ConfigurationReference}
 * renders from the javadoc of the server's {@code @ConfigMapping} interfaces. A plain unit test (no Quarkus): it
 * reads the source files relative to the repository root. With {@code -Dconfig.reference.write=true} it rewrites the
 * page instead of failing.
 */
class ConfigurationReferenceTest {

    private static final String WRITE = "config.reference.write";

    @Test
    void theCommittedPageMatchesTheConfigMappingJavadoc() throws IOException {
        Path root = repositoryRoot();
        Path page = root.resolve(ConfigurationReference.PAGE);
        String committed = Files.readString(page, StandardCharsets.UTF_8);
        String expected = ConfigurationReference.replaceGenerated(committed, ConfigurationReference.generate(root));
        if (expected.equals(committed)) {
            return;
        }
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(page, expected, StandardCharsets.UTF_8);
            System.out.println("rewrote " + page.toAbsolutePath().normalize());
            return;
        }
        String module = Files.exists(root.resolve("server/pom.xml")) ? " -pl server" : "";
        fail(ConfigurationReference.PAGE + " is out of date with the javadoc of the @ConfigMapping interfaces under "
                + ConfigurationReference.SOURCES + " (first difference at line "
                + firstDifferentLine(committed, expected)
                + "). Regenerate it and commit the result:\n  mvn -B -o test-compile" + module
                + (module.isEmpty() ? "" : " -am") + " && mvn -B -o" + module
                + " surefire:test -Dtest=ConfigurationReferenceTest -D" + WRITE + "=true");
    }

    @Test
    void keysAreNamedAsSmallRyeConfigNamesThem() {
        assertEquals("max-batch-size", ConfigurationReference.kebab("maxBatchSize"));
        assertEquals("out-of-memory-restart-after", ConfigurationReference.kebab("outOfMemoryRestartAfter"));
        assertEquals("path", ConfigurationReference.kebab("path"));
        assertEquals(
                "PROS_INFERENCE_MAX_BATCH_SIZE", ConfigurationReference.environment("pros.inference.max-batch-size"));
        assertEquals(
                "PROS_AUTH_API_KEYS_<NAME>_KEY", ConfigurationReference.environment("pros.auth.api-keys.<name>.key"));
    }

    @Test
    void everyMappingAndNestedGroupIsRendered() {
        String generated = ConfigurationReference.generate(repositoryRoot());
        for (String key : List.of(
                "`pros.model.path`",
                "`pros.inference.max-batch-size`",
                "`pros.input.decode-wait`",
                "`pros.health.out-of-memory-window`",
                "`pros.finetune.upload.max-in-flight-bytes`",
                "`pros.finetune.defaults.epochs`",
                "`pros.finetune.replica-id`",
                "`pros.auth.api-keys.<name>.roles`")) {
            assertTrue(generated.contains("| " + key + " |"), key + " missing from the generated reference");
        }
    }

    /** The repository root ({@link RepositoryRoot}: the server's tests run in server/). */
    static Path repositoryRoot() {
        return RepositoryRoot.PATH;
    }

    private static int firstDifferentLine(String a, String b) {
        String[] left = a.split("\n", -1);
        String[] right = b.split("\n", -1);
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            if (!left[i].equals(right[i])) {
                return i + 1;
            }
        }
        return Math.min(left.length, right.length) + 1;
    }
}
