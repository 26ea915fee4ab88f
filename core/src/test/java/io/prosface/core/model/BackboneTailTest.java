package io.prosface.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ViT in two parts: shared prefix + a head's own copy of the last k blocks equals the full forward. */
class BackboneTailTest {

    private static final VisionTransformerConfig MICRO = VisionTransformerTest.MICRO;

    private NDManager manager;
    private VisionTransformer backbone;
    private NDArray images;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(11);
        backbone = new VisionTransformer(MICRO);
        backbone.initializeParameters(manager);
        // random weights far from the init's small scale, so every block visibly changes the tokens
        backbone.getParameters()
                .values()
                .forEach(parameter -> parameter
                        .getArray()
                        .addi(manager.randomNormal(
                                0f,
                                0.2f,
                                parameter.getArray().getShape(),
                                parameter.getArray().getDataType())));
        images = manager.randomNormal(new Shape(3, 3, MICRO.imageSize(), MICRO.imageSize()));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void prefixPlusTailEqualsTheFullForward(int blocks) {
        ParameterStore store = new ParameterStore(manager, false);
        NDList full = backbone.forward(store, new NDList(images), false);
        int depth = MICRO.depth() - blocks;
        NDArray prefix = backbone.runBlocks(store, backbone.embed(store, images, false), 0, depth, false);
        assertEquals(new Shape(3, 1 + MICRO.numPatches(), MICRO.embedDim()), prefix.getShape());

        BackboneTail tail = BackboneTail.copyOf(backbone, blocks, manager);
        assertEquals(depth, tail.inputDepth());
        NDList split = tail.forward(store, new NDList(prefix), false);
        assertTrue(full.get(0).allClose(split.get(0), 1e-5, 1e-6, false), "class token differs");
        assertTrue(full.get(1).allClose(split.get(1), 1e-5, 1e-6, false), "patch tokens differ");
        assertEquals(full.get(1).getShape(), split.get(1).getShape());
    }

    @Test
    void aPassKeepingTokenStatesGivesTheFullForwardBitForBit() {
        ParameterStore store = new ParameterStore(manager, false);
        NDList full = backbone.forward(store, new NDList(images), false);
        BackbonePass pass = BackbonePass.run(backbone, store, images, Set.of(0, 1), true);
        assertArrayEquals(full.get(0).toFloatArray(), pass.output().get(0).toFloatArray(), 0f);
        assertArrayEquals(full.get(1).toFloatArray(), pass.output().get(1).toFloatArray(), 0f);
        NDArray atOne = backbone.runBlocks(store, backbone.embed(store, images, false), 0, 1, false);
        assertArrayEquals(atOne.toFloatArray(), pass.tokensAtDepth().get(1).toFloatArray(), 0f);
        assertEquals(Set.of(0, 1), pass.tokensAtDepth().keySet());

        BackbonePass prefixOnly = BackbonePass.run(backbone, store, images, Set.of(1), false);
        assertNull(prefixOnly.output());
        assertThrows(IllegalArgumentException.class, () -> BackbonePass.run(backbone, store, images, Set.of(2), true));
    }

    @Test
    void tailParameterNamesArePinnedAndItsSizeIsChecked() {
        BackboneTail tail = new BackboneTail(MICRO, 1);
        List<String> names = tail.getParameters().keys();
        assertEquals(14, names.size());
        assertEquals("01block_01attentionNorm_gamma", names.get(0));
        assertEquals("01block_04feedForward_02contract_bias", names.get(11));
        assertEquals(List.of("02norm_gamma", "02norm_beta"), names.subList(12, 14));
        assertThrows(IllegalArgumentException.class, () -> new BackboneTail(MICRO, 0));
        assertThrows(IllegalArgumentException.class, () -> new BackboneTail(MICRO, 3));
    }

    @Test
    void aHeadArtifactCarriesItsTail(@TempDir Path temporary) throws IOException {
        HeadConfig config = new HeadConfig("hair", 1, HeadKind.CLASSIFICATION, List.of("black", "blond"));
        TaskHead head = config.newHead();
        head.initializeParameters(manager, MICRO.embedDim(), MICRO.numPatches());
        BackboneTail tail = BackboneTail.copyOf(backbone, 1, manager);
        Path directory = temporary.resolve("head");
        HeadArtifact.save(directory, config, head, tail, MICRO, "abc");
        assertTrue(Files.readString(directory.resolve("SHA256SUMS")).contains("tail-hair.params"));

        HeadArtifact.Loaded loaded = HeadArtifact.load(directory, manager, MICRO, "abc");
        assertEquals(1, loaded.tail().blockCount());
        ParameterStore store = new ParameterStore(manager, false);
        NDArray tokens = backbone.runBlocks(store, backbone.embed(store, images, false), 0, 1, false);
        assertArrayEquals(
                tail.forward(store, new NDList(tokens), false).get(0).toFloatArray(),
                loaded.tail().forward(store, new NDList(tokens), false).get(0).toFloatArray(),
                0f);

        // a tampered tail file is refused like any other file of the artifact
        Path tailFile = directory.resolve("tail-hair.params");
        byte[] bytes = Files.readAllBytes(tailFile);
        bytes[bytes.length - 1] ^= 1;
        Files.write(tailFile, bytes);
        CheckpointException error =
                assertThrows(CheckpointException.class, () -> HeadArtifact.load(directory, manager, MICRO, "abc"));
        assertTrue(error.getMessage().contains("tail-hair.params"), error.getMessage());
    }
}
