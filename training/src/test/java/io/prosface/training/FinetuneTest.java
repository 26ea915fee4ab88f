package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.HeadKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune}: one end-to-end run trains the four heads with a micro backbone on real faces from ../shared/data
 * (a 64-face sample), writes a serving checkpoint, curves and a preview, and resumes where it stopped.
 */
class FinetuneTest {

    private static final Path DATA = Path.of("..", "..", "shared", "data");

    @TempDir
    Path temp;

    @Test
    void trainsAllFourHeadsOnRealFacesAndResumes() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "real face data not found at " + DATA.toAbsolutePath());
        Path out = temp.resolve("run");
        CommandRunner.Run first = CommandRunner.run(
                "finetune",
                "--architecture",
                "vit_micro_patch8_32",
                "--train",
                DATA.toString(),
                "--teachers",
                DATA.toString(),
                "--out",
                out.toString(),
                "--max-faces",
                "64",
                "--epochs",
                "2",
                "--batch-size",
                "16",
                "--warmup-steps",
                "2",
                "--checkpoint-every",
                "4");
        assertEquals(0, first.exitCode(), first.all());
        assertTrue(first.out().contains("finished at step 8"), first.out());
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint written = Checkpoint.load(out.resolve("checkpoint"), manager);
            assertEquals(
                    List.of("attributes", "expression", "landmarks", "age"),
                    List.copyOf(written.heads().keySet()));
            assertEquals(
                    HeadKind.REGRESSION,
                    written.config().head("age").orElseThrow().kind());
            assertEquals(40, written.heads().get("attributes").outputs());
            assertTrue(written.prosHead().isEmpty(), "a serving checkpoint");
        }
        assertEquals(1 + 8, Files.readAllLines(out.resolve("metrics.csv")).size(), "a header and one row per step");
        assertTrue(Files.size(out.resolve("preview.png")) > 1000);
        assertTrue(Files.isRegularFile(out.resolve("plots/loss.png")));

        CommandRunner.Run resumed = CommandRunner.run(
                "finetune",
                "--architecture",
                "vit_micro_patch8_32",
                "--train",
                DATA.toString(),
                "--teachers",
                DATA.toString(),
                "--out",
                out.toString(),
                "--max-faces",
                "64",
                "--epochs",
                "3",
                "--batch-size",
                "16",
                "--warmup-steps",
                "2",
                "--resume");
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("steps 8..12"), resumed.out());
        assertTrue(resumed.out().contains("finished at step 12"), resumed.out());

        // a warm restart: the finished run's heads go on (at a rate too small to move them), new ones would be random
        Path restart = temp.resolve("restart");
        CommandRunner.Run warm = CommandRunner.run(
                "finetune",
                "--checkpoint",
                out.resolve("checkpoint").toString(),
                "--keep-heads",
                "--train",
                DATA.toString(),
                "--teachers",
                DATA.toString(),
                "--out",
                restart.toString(),
                "--max-faces",
                "64",
                "--epochs",
                "1",
                "--batch-size",
                "16",
                "--lr",
                "1e-12",
                "--gender-weight",
                "4");
        assertEquals(0, warm.exitCode(), warm.all());
        assertTrue(warm.out().contains("steps 0..4"), "a new schedule: " + warm.out());
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint before = Checkpoint.load(out.resolve("checkpoint"), manager);
            Checkpoint after = Checkpoint.load(restart.resolve("checkpoint"), manager);
            assertEquals(
                    "3 epochs at lr 0.001, gender weight 1.0, 12 steps",
                    after.config().recipe().get("finetune.earlier.stages"),
                    "the config records the stage before");
            assertEquals("4.0", after.config().recipe().get("finetune.gender.weight"));
            for (String head : List.of("attributes", "expression", "landmarks", "age")) {
                var was = before.heads().get(head).getParameters();
                var now = after.heads().get(head).getParameters();
                for (int i = 0; i < was.size(); i++) {
                    float moved = was.valueAt(i)
                            .getArray()
                            .sub(now.valueAt(i).getArray())
                            .abs()
                            .max()
                            .getFloat();
                    assertTrue(moved < 1e-5, head + " " + was.keyAt(i) + " moved " + moved + ": not the kept head");
                }
            }
        }
    }

    @Test
    void keepHeadsWithoutAFineTunedCheckpointIsRefused() {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "real face data not found at " + DATA.toAbsolutePath());
        CommandRunner.Run run = CommandRunner.run(
                "finetune",
                "--architecture",
                "vit_micro_patch8_32",
                "--keep-heads",
                "--train",
                DATA.toString(),
                "--teachers",
                DATA.toString(),
                "--out",
                temp.resolve("x").toString());
        assertNotEquals(0, run.exitCode());
        assertTrue(run.all().contains("--keep-heads needs --checkpoint"), run.all());
    }

    @Test
    void resumeWithoutARunIsRefusedWithTheReason() {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "real face data not found at " + DATA.toAbsolutePath());
        CommandRunner.Run run = CommandRunner.run(
                "finetune",
                "--train",
                DATA.toString(),
                "--teachers",
                DATA.toString(),
                "--out",
                temp.resolve("empty").toString(),
                "--resume");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.all().contains("nothing to continue"), run.all());
    }
}
