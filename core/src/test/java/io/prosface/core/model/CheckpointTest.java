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
import io.prosface.core.data.Expression;
import io.prosface.core.data.Preprocessing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static final VisionTransformerConfig MICRO = VisionTransformerTest.MICRO;
    private static final List<String> ATTRIBUTES = List.of("Smiling", "Eyeglasses", "Male");

    @TempDir
    Path temporary;

    private NDManager manager;
    private Path directory;
    private Checkpoint original;

    @BeforeEach
    void saveAMicroCheckpoint() throws IOException {
        manager = NDManager.newBaseManager();
        CheckpointConfig config = new CheckpointConfig(
                MICRO,
                new Preprocessing(32, new float[] {0.5f, 0.45f, 0.4f}, new float[] {0.25f, 0.24f, 0.26f}, 0.2f),
                ProsHeadConfig.defaultsFor(MICRO),
                List.of(
                        new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, ATTRIBUTES),
                        new HeadConfig("expression", 2, HeadKind.EXPRESSION, Expression.labels()),
                        new HeadConfig("landmarks", 1, HeadKind.LANDMARKS, GenericHead.pointNames(68))),
                Map.of("epochs", "1", "teacherTemperature", "0.04"),
                "unit test, random weights");
        original = Checkpoint.initialized(config, manager);
        directory = temporary.resolve("micro");
        original.save(directory);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void roundTripReproducesEveryOutputBitForBit() throws IOException {
        try (NDManager loadManager = NDManager.newBaseManager()) {
            Checkpoint loaded = Checkpoint.load(directory, loadManager);
            assertEquals(original.config(), loaded.config());
            assertEquals(original.config().preprocessing(), loaded.config().preprocessing());
            assertEquals(
                    List.of("attributes", "expression", "landmarks"),
                    List.copyOf(loaded.heads().keySet()));
            assertTrue(loaded.backboneSha256().isPresent());

            NDArray images = manager.randomNormal(new Shape(3, 3, 32, 32));
            NDList before = outputs(original, images);
            NDList after = outputs(loaded, images);
            assertEquals(before.size(), after.size());
            for (int index = 0; index < before.size(); index++) {
                assertArrayEquals(
                        before.get(index).toFloatArray(),
                        after.get(index).toFloatArray(),
                        0f,
                        "output " + index + " changed");
            }
        }
    }

    @Test
    void theDinoPresetRoundTripsAndOnlyItWritesTheLastLayerSwitch() throws IOException {
        // a ProS head's config.json is the one older builds wrote (and read)
        assertFalse(Files.readString(directory.resolve(Checkpoint.CONFIG_FILE)).contains("normLastLayer"));

        ProsHeadConfig dino = ProsHeadConfig.defaultsFor(MICRO).withNormLastLayer(false);
        Checkpoint ablation = Checkpoint.initialized(original.config().withProsHead(dino), manager);
        Path saved = temporary.resolve("dino");
        ablation.save(saved);
        assertTrue(Files.readString(saved.resolve(Checkpoint.CONFIG_FILE)).contains("\"normLastLayer\": false"));
        try (NDManager loadManager = NDManager.newBaseManager()) {
            Checkpoint loaded = Checkpoint.load(saved, loadManager);
            assertEquals(dino, loaded.config().prosHead());
            assertEquals(dino, loaded.prosHead().orElseThrow().config());
            NDArray images = manager.randomNormal(new Shape(2, 3, 32, 32));
            NDList before = outputs(ablation, images);
            NDList after = outputs(loaded, images);
            for (int index = 0; index < before.size(); index++) {
                assertArrayEquals(
                        before.get(index).toFloatArray(),
                        after.get(index).toFloatArray(),
                        0f,
                        "output " + index + " changed");
            }
        }
    }

    @Test
    void checksumFileIsSha256sumCompatible() throws IOException {
        List<String> lines = Files.readAllLines(directory.resolve(Sha256Sums.FILE_NAME));
        assertEquals(
                List.of(
                        "backbone.params",
                        "config.json",
                        "head-attributes.params",
                        "head-expression.params",
                        "head-landmarks.params",
                        "pros-head.params"),
                lines.stream().map(line -> line.substring(66)).toList());
        for (String line : lines) {
            assertTrue(line.matches("[0-9a-f]{64}  [a-z.-]+"), line);
            String file = line.substring(66);
            assertEquals(Sha256Sums.digest(directory.resolve(file)), line.substring(0, 64));
        }
    }

    @Test
    void tamperedParameterFileIsRefusedByName() throws IOException {
        Path file = directory.resolve("head-expression.params");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1; // one bit of the last weight
        Files.write(file, bytes);
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("head-expression.params"), error.getMessage());
        assertTrue(error.getMessage().contains("checksum mismatch"), error.getMessage());
    }

    @Test
    void configNamingAVariantWithOtherNumbersIsRefused() throws IOException {
        rewriteConfig(json -> json.replace("\"embedDim\": 64", "\"embedDim\": 96"));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("config.json"), error.getMessage());
        assertTrue(error.getMessage().contains("embedDim 96 but the named variant has 64"), error.getMessage());
    }

    @Test
    void parametersOfAnotherArchitectureAreRefusedNotPartiallyLoaded() throws IOException {
        // a fully spelled custom architecture is accepted as such, but these files hold depth-2 weights
        rewriteConfig(json ->
                json.replace("\"vit_micro_patch8_32\"", "\"custom_micro\"").replace("\"depth\": 2", "\"depth\": 3"));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("backbone.params"), error.getMessage());
    }

    @Test
    void customArchitectureMustSpellEveryNumber() throws IOException {
        rewriteConfig(json -> json.replace("\"vit_micro_patch8_32\"", "\"custom_micro\"")
                .replaceAll("\\s*\"mlpRatio\": [0-9.]+,", ""));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("must spell [mlpRatio]"), error.getMessage());
    }

    @Test
    void missingFilesAreRefusedByName() throws IOException {
        Files.delete(directory.resolve("pros-head.params"));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(
                error.getMessage().contains("missing") && error.getMessage().contains("pros-head.params"),
                error.getMessage());

        Files.delete(directory.resolve(Sha256Sums.FILE_NAME));
        error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("SHA256SUMS"), error.getMessage());
    }

    @Test
    void unlistedOrUndescribedParameterFilesAreRefused() throws IOException {
        Files.copy(directory.resolve("head-attributes.params"), directory.resolve("head-extra.params"));
        CheckpointException error = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, manager));
        assertTrue(error.getMessage().contains("head-extra.params"), error.getMessage());
    }

    @Test
    void savingIntoANonEmptyDirectoryIsRefusedAndLeavesNoStagingBehind() throws IOException {
        assertThrows(CheckpointException.class, () -> original.save(directory));
        try (var entries = Files.list(temporary)) {
            assertEquals(List.of(directory), entries.toList());
        }
    }

    @Test
    void aSingleHeadRoundTripsAndIsRefusedForAnotherBackbone() throws IOException {
        HeadConfig config = new HeadConfig("glasses", 3, HeadKind.CLASSIFICATION, List.of("none", "reading", "sun"));
        TaskHead head = config.newHead();
        head.initializeParameters(manager, MICRO.embedDim(), MICRO.numPatches());
        Path headDirectory = temporary.resolve("head-glasses");
        String backboneSha = original.backboneSha256().orElse("abc");
        HeadArtifact.save(headDirectory, config, head, MICRO, backboneSha);

        HeadArtifact.Loaded loaded = HeadArtifact.load(headDirectory, manager, MICRO, backboneSha);
        assertEquals(config, loaded.config());
        NDList features = TaskHeadTest.features(manager, 2); // micro: D = 64, N = 16
        assertArrayEquals(
                head.forward(new ParameterStore(manager, false), features, false)
                        .head()
                        .toFloatArray(),
                loaded.head()
                        .forward(new ParameterStore(manager, false), features, false)
                        .head()
                        .toFloatArray(),
                0f);

        VisionTransformerConfig tiny = VisionTransformerConfig.variant("vit_tiny_patch8_64");
        CheckpointException error =
                assertThrows(CheckpointException.class, () -> HeadArtifact.load(headDirectory, manager, tiny, null));
        assertTrue(error.getMessage().contains("head.json"), error.getMessage());
        error = assertThrows(
                CheckpointException.class, () -> HeadArtifact.load(headDirectory, manager, MICRO, "0".repeat(64)));
        assertTrue(error.getMessage().contains("weights"), error.getMessage());
    }

    @Test
    void loadedCheckpointAcceptsAPublishedHead() throws IOException {
        try (NDManager loadManager = NDManager.newBaseManager()) {
            Checkpoint loaded = Checkpoint.load(directory, loadManager);
            HeadConfig config = new HeadConfig("age", 1, HeadKind.REGRESSION, List.of("age"));
            TaskHead head = config.newHead();
            head.initializeParameters(loadManager, MICRO.embedDim(), MICRO.numPatches());
            Checkpoint extended = loaded.withHead(config, head);
            Path copy = temporary.resolve("extended");
            extended.save(copy);
            assertEquals(4, Checkpoint.load(copy, loadManager).heads().size());
        }
    }

    private NDList outputs(Checkpoint checkpoint, NDArray images) {
        ParameterStore store = new ParameterStore(manager, false);
        NDList features = checkpoint.backbone().forward(store, new NDList(images), false);
        NDList all = new NDList(features.get(0), features.get(1));
        all.add(checkpoint
                .prosHead()
                .orElseThrow()
                .forward(store, features, false)
                .head());
        checkpoint
                .heads()
                .values()
                .forEach(head -> all.add(head.forward(store, features, false).head()));
        return all;
    }

    /** Edits config.json and re-signs it, so that only the edit itself can be the reason for a refusal. */
    private void rewriteConfig(java.util.function.UnaryOperator<String> edit) throws IOException {
        Path config = directory.resolve(Checkpoint.CONFIG_FILE);
        String before = Files.readString(config);
        String after = edit.apply(before);
        assertFalse(before.equals(after), "the edit did not match config.json");
        Files.writeString(config, after, StandardCharsets.UTF_8);
        List<String> files;
        try (var entries = Files.list(directory)) {
            files = entries.map(path -> path.getFileName().toString())
                    .filter(name -> !name.equals(Sha256Sums.FILE_NAME))
                    .toList();
        }
        Sha256Sums.write(directory, files);
    }
}
