package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.ProsHeadConfig;
import io.prosface.core.model.VisionTransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heads --unfrozen-blocks k}: every head trains with its own last k blocks, stored in the checkpoint. */
class HeadsTailTest {

    private static final VisionTransformerConfig MICRO = VisionTransformerConfig.variant("vit_micro_patch8_32");

    @TempDir
    Path temp;

    @Test
    void headsWithTheirOwnLastBlocksAreWrittenAndMeasured() throws Exception {
        Path labeled = temp.resolve("labeled");
        assertEquals(
                0,
                CommandRunner.run("synth", "--count", "24", "--size", "32", "--seed", "3", "--out", labeled.toString())
                        .exitCode());
        Path pretrained = randomCheckpoint();
        Path out = temp.resolve("with-heads");
        CommandRunner.Run heads = CommandRunner.run(
                "heads",
                "--checkpoint",
                pretrained.toString(),
                "--labeled",
                "synthetic=" + labeled,
                "--unfrozen-blocks",
                "1",
                "--tail-lr-scale",
                "0.2",
                "--epochs",
                "1",
                "--min-steps",
                "2",
                "--batch-size",
                "8",
                "--without-pros-head",
                "--out",
                out.toString());
        assertEquals(0, heads.exitCode(), heads.all());
        for (String metric : List.of("attributes .* mean acc", "expression .* acc", "landmarks .* NME")) {
            assertTrue(
                    Pattern.compile("\\| " + metric + " \\d\\.\\d{4} \\|")
                            .matcher(heads.out())
                            .find(),
                    metric + " in\n" + heads.out());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint written = Checkpoint.load(out, manager);
            assertTrue(written.prosHead().isEmpty(), "--without-pros-head still leaves the ProS head out");
            assertEquals(
                    List.of("attributes", "expression", "landmarks"),
                    List.copyOf(written.tails().keySet()));
            for (HeadConfig head : written.config().heads()) {
                assertEquals(1, head.tailBlocks(), head.name());
                assertEquals(1, written.tail(head.name()).orElseThrow().blockCount(), head.name());
                assertTrue(Files.isRegularFile(out.resolve("tail-" + head.name() + ".params")), head.name());
            }
            assertTrue(
                    written.config().data().contains("with its own last 1 blocks (tail lr x0.2)"),
                    written.config().data());
        }
    }

    @Test
    void moreBlocksThanTheBackboneHasAreRefused() throws Exception {
        Path labeled = temp.resolve("labeled");
        assertEquals(
                0,
                CommandRunner.run("synth", "--count", "8", "--size", "32", "--seed", "3", "--out", labeled.toString())
                        .exitCode());
        Path out = temp.resolve("never");
        CommandRunner.Run heads = CommandRunner.run(
                "heads",
                "--checkpoint",
                randomCheckpoint().toString(),
                "--labeled",
                labeled.toString(),
                "--unfrozen-blocks",
                "3",
                "--out",
                out.toString());
        assertEquals(1, heads.exitCode(), heads.all());
        assertTrue(
                heads.err().contains("--unfrozen-blocks 3 is not in 0..2: vit_micro_patch8_32 has 2 blocks"),
                heads.err());
        assertFalse(Files.exists(out));
    }

    /** A random micro checkpoint with a ProS head, as pretraining writes it. */
    private Path randomCheckpoint() throws Exception {
        Path directory = temp.resolve("pretrained");
        if (!Files.exists(directory)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                CheckpointConfig config = CheckpointConfig.of(MICRO).withProsHead(ProsHeadConfig.defaultsFor(MICRO));
                Checkpoint.initialized(config, manager).save(directory);
            }
        }
        return directory;
    }
}
