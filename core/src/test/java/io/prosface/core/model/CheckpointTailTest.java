package io.prosface.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.prosface.core.RepositoryRoot;
import io.prosface.core.data.Expression;
import io.prosface.core.data.Preprocessing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built-in heads that carry their own last backbone blocks: stored, verified and reproduced like every other file. */
class CheckpointTailTest {

    private static final VisionTransformerConfig MICRO = VisionTransformerTest.MICRO;
    private static final String TAIL_FILE = "tail-expression.params";

    @TempDir
    Path temporary;

    private NDManager manager;
    private Path directory;
    private Checkpoint original;

    /** Attributes on the backbone output, expression with a tail of 1 block whose weights differ from the backbone. */
    @BeforeEach
    void saveACheckpointWithOneTailedHead() throws IOException {
        manager = NDManager.newBaseManager();
        CheckpointConfig config = new CheckpointConfig(
                MICRO,
                Preprocessing.imagenet(32),
                null,
                List.of(
                        new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, List.of("Smiling", "Male")),
                        new HeadConfig("expression", 1, HeadKind.EXPRESSION, Expression.labels(), 1)),
                Map.of(),
                "unit test, random weights");
        original = Checkpoint.initialized(config, manager);
        original.tail("expression")
                .orElseThrow()
                .getParameters()
                .values()
                .forEach(parameter -> parameter
                        .getArray()
                        .addi(manager.randomNormal(
                                0f,
                                0.05f,
                                parameter.getArray().getShape(),
                                parameter.getArray().getDataType())));
        directory = temporary.resolve("tailed");
        original.save(directory);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void roundTripReproducesTheTailedHeadBitForBit() throws IOException {
        assertTrue(Files.readString(directory.resolve(Sha256Sums.FILE_NAME)).contains("  " + TAIL_FILE));
        try (NDManager loadManager = NDManager.newBaseManager()) {
            Checkpoint loaded = Checkpoint.load(directory, loadManager);
            assertEquals(original.config(), loaded.config());
            assertEquals(1, loaded.config().head("expression").orElseThrow().tailBlocks());
            assertEquals(0, loaded.config().head("attributes").orElseThrow().tailBlocks());
            assertEquals(List.of("expression"), List.copyOf(loaded.tails().keySet()));
            NDArray images = manager.randomNormal(new Shape(3, 3, 32, 32));
            for (String head : List.of("attributes", "expression")) {
                assertArrayEquals(output(original, head, images), output(loaded, head, images), 0f, head);
            }
            // the tail is the head's own: the same head on the plain backbone output answers differently
            ParameterStore store = new ParameterStore(manager, false);
            float[] plain = loaded.heads()
                    .get("expression")
                    .forward(store, loaded.backbone().forward(store, new NDList(images), false), false)
                    .head()
                    .toFloatArray();
            assertFalse(java.util.Arrays.equals(plain, output(loaded, "expression", images)));
        }
    }

    @Test
    void checkpointsWithoutTheFieldStillLoad() throws Exception {
        // models/default's heads carry no tail: its config.json has no tailBlocks field, like every checkpoint written
        // before heads could carry one
        Path committed = RepositoryRoot.resolve("models/default");
        assertFalse(Files.readString(committed.resolve(Checkpoint.CONFIG_FILE)).contains("tailBlocks"));
        Checkpoint loaded = Checkpoint.load(committed, manager);
        assertTrue(loaded.tails().isEmpty());
        assertTrue(loaded.config().heads().stream().noneMatch(HeadConfig::hasTail));
        // and heads without a tail are still written without it
        Path plain = temporary.resolve("plain");
        loaded.save(plain);
        assertFalse(Files.readString(plain.resolve(Checkpoint.CONFIG_FILE)).contains("tailBlocks"));
    }

    @Test
    void aTailDepthOutsideTheBackboneIsRefused() throws IOException {
        rewriteConfig(json -> json.replace("\"tailBlocks\": 1", "\"tailBlocks\": 3"));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("config.json"), error.getMessage());
        assertTrue(error.getMessage().contains("tailBlocks 3 is not in 1..2"), error.getMessage());

        rewriteConfig(json -> json.replace("\"tailBlocks\": 3", "\"tailBlocks\": -1"));
        error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("tailBlocks must be 0 (no tail) or 1..depth"), error.getMessage());
    }

    @Test
    void aTailFileOfAnotherDepthIsRefusedByName() throws IOException {
        rewriteConfig(json -> json.replace("\"tailBlocks\": 1", "\"tailBlocks\": 2"));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains(TAIL_FILE), error.getMessage());
    }

    @Test
    void aTamperedTailFileIsRefusedByName() throws IOException {
        Path file = directory.resolve(TAIL_FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1;
        Files.write(file, bytes);
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains(TAIL_FILE), error.getMessage());
        assertTrue(error.getMessage().contains("checksum mismatch"), error.getMessage());
    }

    @Test
    void aMissingTailFileIsRefusedByName() throws IOException {
        Files.delete(directory.resolve(TAIL_FILE));
        CheckpointException listed = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(
                listed.getMessage().contains("missing") && listed.getMessage().contains(TAIL_FILE),
                listed.getMessage());

        rewriteConfig(json -> json); // re-sign without the tail file: it is no longer listed either
        CheckpointException unlisted =
                assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(unlisted.getMessage().contains(TAIL_FILE + " is not listed in SHA256SUMS"), unlisted.getMessage());
    }

    @Test
    void aConfigAndBlocksThatDisagreeOnTheTailAreRefused() {
        CheckpointConfig config = original.config();
        Map<String, TaskHead> heads = original.heads();
        assertThrows(
                IllegalArgumentException.class,
                () -> new Checkpoint(config, original.backbone(), null, heads)); // tail missing
        assertThrows(
                IllegalArgumentException.class,
                () -> new Checkpoint(
                        config,
                        original.backbone(),
                        null,
                        heads,
                        Map.of("expression", BackboneTail.copyOf(original.backbone(), 2, manager)))); // wrong depth
        // replacing the tailed head by a plain one drops its tail
        HeadConfig plain = new HeadConfig("expression", 2, HeadKind.EXPRESSION, Expression.labels());
        assertTrue(original.withHead(plain, heads.get("expression")).tails().isEmpty());
    }

    /** prefix (blocks 0..L-k-1) -> the head's tail -> head, or backbone -> head without a tail. */
    static float[] output(Checkpoint checkpoint, String head, NDArray images) {
        ParameterStore store = new ParameterStore(images.getManager(), false);
        VisionTransformer backbone = checkpoint.backbone();
        NDList features = checkpoint
                .tail(head)
                .map(tail -> tail.forward(
                        store,
                        new NDList(backbone.runBlocks(
                                store, backbone.embed(store, images, false), 0, tail.inputDepth(), false)),
                        false))
                .orElseGet(() -> backbone.forward(store, new NDList(images), false));
        return checkpoint
                .heads()
                .get(head)
                .forward(store, features, false)
                .head()
                .toFloatArray();
    }

    /** Edits config.json and re-signs every file present, so that only the edit can be the reason for a refusal. */
    private void rewriteConfig(UnaryOperator<String> edit) throws IOException {
        Path config = directory.resolve(Checkpoint.CONFIG_FILE);
        Files.writeString(config, edit.apply(Files.readString(config)), StandardCharsets.UTF_8);
        List<String> files;
        try (var entries = Files.list(directory)) {
            files = entries.map(path -> path.getFileName().toString())
                    .filter(name -> !name.equals(Sha256Sums.FILE_NAME))
                    .toList();
        }
        Sha256Sums.write(directory, files);
    }
}
