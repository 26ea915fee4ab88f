package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrain from a recipe, resume from its checkpoint, and stop clearly on a NaN loss (micro ViT, 32 px). */
class PretrainTest {

    @TempDir
    static Path temp;

    static Path faces;

    @BeforeAll
    static void synthesise() {
        faces = temp.resolve("faces");
        assertEquals(0, CommandRunner.run("synth", "--count", "24", "--size", "32", "--seed", "3", "--out",
                faces.toString()).exitCode());
    }

    @Test
    void runsFromARecipeAndResumesWhereItStopped() throws Exception {
        Path run = temp.resolve("run");
        String recipe = Path.of("configs", "micro-test.properties").toString();
        CommandRunner.Run first = CommandRunner.run("pretrain", "--recipe", recipe, "--data", faces.toString(),
                "--out", run.toString(), "--no-progress", "--set", "max.steps=2");
        assertEquals(0, first.exitCode(), first.all());
        assertTrue(Files.isRegularFile(run.resolve("checkpoint/config.json")));
        assertTrue(Files.readString(run.resolve("checkpoint/config.json")).contains("\"recipe.name\": \"micro-test\""));

        CommandRunner.Run resumed = CommandRunner.run("pretrain", "--recipe", recipe, "--data", faces.toString(),
                "--out", run.toString(), "--no-progress", "--resume", "--set", "max.steps=4");
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("training steps 2..3 of 4"), resumed.out());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(List.of("0", "1", "2", "3"), rows.subList(1, rows.size()).stream().map(r -> r.split(",")[0]).toList());
        for (String row : rows.subList(1, rows.size())) {
            double loss = Double.parseDouble(row.split(",")[2]);
            assertTrue(Double.isFinite(loss) && loss > 0, row);
        }
        assertTrue(Files.isRegularFile(run.resolve("plots/loss.png")));
        assertTrue(Files.readString(run.resolve("checkpoint/config.json")).contains("after step 4 of 4"));
    }

    @Test
    void aNaNLossStopsTheRunWithAClearMessage() {
        Path run = temp.resolve("nan");
        CommandRunner.Run result = CommandRunner.run("pretrain", "--recipe", "configs/micro-test.properties", "--data",
                faces.toString(), "--out", run.toString(), "--no-progress", "--set", "debug.nan.at.step=1",
                "--set", "checkpoint.every.steps=0");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("error: loss became NaN at step 1"), result.err());
        assertFalse(Files.exists(run.resolve("checkpoint")), "no checkpoint is written for a diverged run");
    }

    @Test
    void aTypoInARecipeKeyIsRefused() {
        CommandRunner.Run result = CommandRunner.run("pretrain", "--data", faces.toString(), "--out",
                temp.resolve("typo").toString(), "--set", "batchsize=8");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("unknown recipe key 'batchsize'"), result.err());
    }
}
