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
        CommandRunner.Run first = CommandRunner.run("finetune", "--architecture", "vit_micro_patch8_32", "--train",
                DATA.toString(), "--teachers", DATA.toString(), "--out", out.toString(), "--max-faces", "64",
                "--epochs", "2", "--batch-size", "16", "--warmup-steps", "2", "--checkpoint-every", "4");
        assertEquals(0, first.exitCode(), first.all());
        assertTrue(first.out().contains("finished at step 8"), first.out());
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint written = Checkpoint.load(out.resolve("checkpoint"), manager);
            assertEquals(List.of("attributes", "expression", "landmarks", "age"), List.copyOf(written.heads().keySet()));
            assertEquals(HeadKind.REGRESSION, written.config().head("age").orElseThrow().kind());
            assertEquals(40, written.heads().get("attributes").outputs());
            assertTrue(written.prosHead().isEmpty(), "a serving checkpoint");
        }
        assertEquals(1 + 8, Files.readAllLines(out.resolve("metrics.csv")).size(), "a header and one row per step");
        assertTrue(Files.size(out.resolve("preview.png")) > 1000);
        assertTrue(Files.isRegularFile(out.resolve("plots/loss.png")));

        CommandRunner.Run resumed = CommandRunner.run("finetune", "--architecture", "vit_micro_patch8_32", "--train",
                DATA.toString(), "--teachers", DATA.toString(), "--out", out.toString(), "--max-faces", "64",
                "--epochs", "3", "--batch-size", "16", "--warmup-steps", "2", "--resume");
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("steps 8..12"), resumed.out());
        assertTrue(resumed.out().contains("finished at step 12"), resumed.out());
    }

    @Test
    void resumeWithoutARunIsRefusedWithTheReason() {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "real face data not found at " + DATA.toAbsolutePath());
        CommandRunner.Run run = CommandRunner.run("finetune", "--train", DATA.toString(), "--teachers",
                DATA.toString(), "--out", temp.resolve("empty").toString(), "--resume");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.all().contains("nothing to continue"), run.all());
    }
}
