package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.Expression;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export-onnx} on a micro checkpoint: writes the files, verifies on real faces, prints the timing table. */
class ExportOnnxTest {

    /** ../shared/data from the repository root; tests run in training/. */
    private static final Path DATA = Path.of("..", "..", "shared", "data");

    @TempDir
    Path temp;

    @Test
    void exportsVerifiesAndTimesAMicroCheckpoint() throws Exception {
        assumeTrue(
                Files.isDirectory(DATA.resolve("celeba")),
                "shared data absent: " + DATA.toAbsolutePath()
                        + " (export-onnx --verify reads real faces from ../shared/data, see its README)");
        Path checkpoint = microCheckpoint(temp.resolve("checkpoint"));
        Path model = temp.resolve("out").resolve("micro.onnx");
        CommandRunner.Run run = CommandRunner.run(
                "export-onnx",
                "--checkpoint",
                checkpoint.toString(),
                "--output",
                model.toString(),
                "--verify",
                "16",
                "--data",
                DATA.toString(),
                "--bench",
                "--rounds",
                "1");
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(Files.size(model) > 100_000, "a micro model's weights are in the file");
        assertTrue(run.out().contains("Agreement with the DJL float32 forward on 16 real faces"), run.out());
        for (String output : List.of("embedding", "attributes", "expression", "landmarks")) {
            assertTrue(
                    run.out().lines().anyMatch(line -> line.strip().startsWith(output) && line.contains(" ok ")),
                    output + " agrees: " + run.out());
        }
        assertTrue(run.out().contains("| DJL float32 |") && run.out().contains("| ONNX float32 |"), run.out());

        CommandRunner.Run int8 = CommandRunner.run(
                "export-onnx", "--checkpoint", checkpoint.toString(), "--output", model.toString(), "--int8");
        assertEquals(0, int8.exitCode(), int8.all());
        Path quantized = temp.resolve("out").resolve("micro-int8.onnx");
        assertTrue(Files.size(quantized) < Files.size(model), "int8 weights take less room");
    }

    /** A random-init vit_micro_convstem8_32 checkpoint with attribute, expression and landmark heads. */
    static Path microCheckpoint(Path directory) throws Exception {
        VisionTransformerConfig architecture = VisionTransformerConfig.variant("vit_micro_convstem8_32");
        List<HeadConfig> heads = List.of(
                new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, List.of("Smiling", "Male")),
                new HeadConfig("expression", 1, HeadKind.EXPRESSION, Expression.labels()),
                new HeadConfig(
                        "landmarks",
                        1,
                        HeadKind.LANDMARKS,
                        IntStream.range(0, 68).mapToObj(Integer::toString).toList()));
        CheckpointConfig config = new CheckpointConfig(
                architecture,
                Preprocessing.imagenet(architecture.imageSize()),
                null,
                heads,
                Map.of("init", "random"),
                "export-onnx test");
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.initialized(config, manager).save(directory);
        }
        return directory;
    }
}
