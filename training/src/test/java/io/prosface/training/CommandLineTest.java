package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command documents itself, and synth is reproducible to the byte. */
class CommandLineTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"synth", "pretrain", "heads", "curate", "evaluate", "bench", "export-onnx"})
    void everyCommandHasHelpWithRecommendedRanges(String command) {
        CommandRunner.Run help = CommandRunner.run(command, "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().startsWith("Usage: pros-train " + command), help.out());
        assertTrue(help.out().contains("default"), "options state their defaults: " + help.out());
        // picocli's tracer warns on stderr when a description is not a valid format string (a bare % sign)
        assertFalse(help.err().contains("WARN"), "help text that picocli could not format: " + help.err());
    }

    @Test
    void synthIsByteIdenticalForTheSameArguments() throws Exception {
        Path first = temp.resolve("a");
        Path second = temp.resolve("b");
        assertEquals(
                0,
                CommandRunner.run(
                                "synth",
                                "--count",
                                "6",
                                "--size",
                                "32",
                                "--seed",
                                "11",
                                "--out",
                                first.toString(),
                                "--threads",
                                "2")
                        .exitCode());
        assertEquals(
                0,
                CommandRunner.run(
                                "synth",
                                "--count",
                                "6",
                                "--size",
                                "32",
                                "--seed",
                                "11",
                                "--out",
                                second.toString(),
                                "--threads",
                                "1")
                        .exitCode());
        List<Path> files = files(first);
        assertEquals(
                files.stream().map(first::relativize).toList(),
                files(second).stream().map(second::relativize).toList());
        for (Path file : files) {
            assertArrayEquals(
                    Files.readAllBytes(file),
                    Files.readAllBytes(second.resolve(first.relativize(file))),
                    file.toString());
        }
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
