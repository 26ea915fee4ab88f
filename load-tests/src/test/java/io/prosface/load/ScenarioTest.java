package io.prosface.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

    private static final Path SCENARIOS = Path.of("scenarios");

    @Test
    void everyScenarioHeaderListsEveryParameterWithItsDefault() throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            List<Path> scenarios = files.filter(file -> file.toString().endsWith(".properties"))
                    .toList();
            assertTrue(scenarios.size() >= 2, "default and smoke at least");
            for (Path file : scenarios) {
                Scenario scenario = Scenario.load(file, List.of());
                assertEquals(List.of(), scenario.warnings, file + " (regenerate with run.sh --parameters)");
                assertTrue(Files.readString(file).startsWith("#"), file + " starts with its header");
            }
        }
    }

    @Test
    void overridesWinOverTheFileAndTheFileOverDefaults(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("mine.properties");
        Files.writeString(file, Parameter.header() + "closed.duration=7s\nclosed.concurrency=2,3\n");
        Scenario scenario = Scenario.load(file, List.of("closed.concurrency=5"));
        assertEquals(Duration.ofSeconds(7), scenario.duration(Parameter.CLOSED_DURATION));
        assertEquals(List.of(5), scenario.integers(Parameter.CLOSED_CONCURRENCY));
        assertEquals(Duration.ofMillis(5), scenario.duration(Parameter.SERVER_MAX_QUEUE_DELAY));
        assertEquals("mine", scenario.name);
    }

    @Test
    void aMistypedKeyIsAnErrorNotASilentDefault(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("typo.properties");
        Files.writeString(file, Parameter.header() + "closed.concurency=4\n");
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> Scenario.load(file, List.of()));
        assertTrue(error.getMessage().contains("closed.concurency"), error.getMessage());
    }

    @Test
    void aStaleHeaderIsReported(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("stale.properties");
        Files.writeString(file, Parameter.header().replace("closed.duration = 15s", "closed.duration = 10s"));
        Scenario scenario = Scenario.load(file, List.of());
        assertEquals(1, scenario.warnings.size(), scenario.warnings.toString());
        assertTrue(scenario.warnings.get(0).contains("closed.duration"));
    }
}
