package io.prosface.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProsHeadTest {

    @Test
    void similaritiesAreCosinesWithUnitNormPrototypes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ProsHead head = new ProsHead(64, 128, 32, 100);
            head.initializeParameters(manager);
            ParameterStore store = new ParameterStore(manager, false);
            try (NDManager batch = manager.newSubManager()) {
                NDArray classTokens = batch.randomNormal(new Shape(5, 64)).mul(10);
                NDArray similarities =
                        head.forward(store, new NDList(classTokens), false).head();
                assertEquals(new Shape(5, 100), similarities.getShape());
                assertTrue(similarities.max().getFloat() <= 1f + 1e-5f
                        && similarities.min().getFloat() >= -1f - 1e-5f);

                // the embedding is unit-norm and the output is its dot product with unit-norm prototype rows
                NDArray embedding = head.projection()
                        .forward(store, new NDList(classTokens), false)
                        .head();
                assertArrayEquals(
                        new float[] {1, 1, 1, 1, 1},
                        embedding.norm(new int[] {1}).toFloatArray(),
                        1e-5f);
                NDArray prototypes = head.prototypes().weight().getArray();
                NDArray unit = prototypes.div(prototypes.norm(new int[] {1}, true));
                assertArrayEquals(
                        embedding.matMul(unit.transpose()).toFloatArray(), similarities.toFloatArray(), 1e-5f);

                // scaling a prototype does not change its similarities
                prototypes.muli(3f);
                assertArrayEquals(
                        similarities.toFloatArray(),
                        head.forward(store, new NDList(classTokens), false)
                                .head()
                                .toFloatArray(),
                        1e-5f);
            }
        }
    }

    @Test
    void frozenPrototypesGetNoGradientWhileTheProjectionDoes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ProsHead head = new ProsHead(64, 128, 32, 100);
            head.initializeParameters(manager);
            head.prototypes().setFrozen(true);
            assertTrue(head.prototypes().isFrozen());
            ParameterStore store = new ParameterStore(manager, false);
            try (NDManager batch = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray similarities = head.forward(store, new NDList(batch.randomNormal(new Shape(4, 64))), true)
                        .head();
                collector.backward(similarities.sum());
            }
            assertFalse(head.prototypes().weight().getArray().hasGradient());
            NDArray projectionGradient =
                    head.projection().getParameters().valueAt(0).getArray().getGradient();
            assertNotNull(projectionGradient);
            assertTrue(projectionGradient.abs().sum().getFloat() > 0f);

            head.prototypes().setFrozen(false);
            assertTrue(head.prototypes().weight().requiresGradient());
        }
    }

    @Test
    void theDinoPresetEndsInAPlainLinearLayerWhoseLogitsAreNotNormalised() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ProsHead head = new ProsHead(64, ProsHeadConfig.dino(128, 32, 100));
            head.initializeParameters(manager);
            assertTrue(head.lastLayer() instanceof Linear);
            assertThrows(IllegalStateException.class, head::prototypes);
            ParameterStore store = new ParameterStore(manager, false);
            try (NDManager batch = manager.newSubManager()) {
                NDArray classTokens = batch.randomNormal(new Shape(5, 64)).mul(10);
                NDArray logits =
                        head.forward(store, new NDList(classTokens), false).head();
                assertEquals(new Shape(5, 100), logits.getShape());

                // the same unit-norm embedding as ProS, multiplied by the raw (K, bottleneck) weight
                NDArray embedding = head.projection()
                        .forward(store, new NDList(classTokens), false)
                        .head();
                assertArrayEquals(
                        new float[] {1, 1, 1, 1, 1},
                        embedding.norm(new int[] {1}).toFloatArray(),
                        1e-5f);
                NDArray weight = head.lastLayerWeight().getArray();
                assertEquals(new Shape(100, 32), weight.getShape());
                assertArrayEquals(embedding.matMul(weight.transpose()).toFloatArray(), logits.toFloatArray(), 1e-5f);

                // unlike normalised prototypes, scaling the last layer scales its outputs
                weight.muli(3f);
                assertArrayEquals(
                        logits.mul(3f).toFloatArray(),
                        head.forward(store, new NDList(classTokens), false)
                                .head()
                                .toFloatArray(),
                        1e-5f);
            }
        }
    }

    @Test
    void theProsPresetIsTheDefaultAndItsLastLayerIsThePrototypes() {
        assertEquals(ProsHeadConfig.pros(128, 32, 100), new ProsHeadConfig(128, 32, 100));
        assertTrue(ProsHeadConfig.defaultsFor(VisionTransformerConfig.variant("vit_tiny_patch8_64"))
                .normLastLayer());
        ProsHead head = new ProsHead(64, 128, 32, 100);
        assertSame(head.prototypes(), head.lastLayer());
        assertSame(head.prototypes().weight(), head.lastLayerWeight());
        assertEquals(ProsHeadConfig.dino(128, 32, 100), head.config().withNormLastLayer(false));
    }

    /** The on-disk names of both presets: the ones the former ProsHead and DinoHead wrote. */
    @Test
    void eachPresetKeepsTheParameterNamesOfItsSavedState() {
        List<String> projection = List.of(
                "01projection_01input_weight",
                "01projection_01input_bias",
                "01projection_02hidden_weight",
                "01projection_02hidden_bias",
                "01projection_03bottleneck_weight",
                "01projection_03bottleneck_bias");
        ProsHead pros = new ProsHead(64, ProsHeadConfig.pros(128, 32, 100));
        ProsHead dino = new ProsHead(64, ProsHeadConfig.dino(128, 32, 100));
        assertEquals(
                Stream.concat(projection.stream(), Stream.of("02prototypes_weight"))
                        .toList(),
                pros.getParameters().keys());
        assertEquals(
                Stream.concat(projection.stream(), Stream.of("02lastLayer_weight"))
                        .toList(),
                dino.getParameters().keys());
        assertEquals(
                new LegacyDinoHead(64, ProsHeadConfig.dino(128, 32, 100))
                        .getParameters()
                        .keys(),
                dino.getParameters().keys());

        assertTrue(pros.isLastLayerParameter("head_02prototypes_weight"));
        assertFalse(pros.isLastLayerParameter("head_02lastLayer_weight"));
        assertTrue(dino.isLastLayerParameter("head_02lastLayer_weight"));
        assertFalse(dino.isLastLayerParameter("head_01projection_03bottleneck_weight"));
    }

    /**
     * Pretraining state of a {@code loss=dino} run written by the former DinoHead (here its verbatim copy) loads into
     * the DINO preset, which then computes exactly the same logits and writes exactly the same bytes; from the same
     * seed the two also initialise identically, so a new DINO run starts where an old one did.
     */
    @Test
    void stateWrittenByTheFormerDinoHeadLoadsIntoTheDinoPreset() throws Exception {
        ProsHeadConfig config = ProsHeadConfig.dino(128, 32, 100);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            LegacyDinoHead legacy = new LegacyDinoHead(64, config);
            legacy.initializeParameters(manager);
            Engine.getInstance().setRandomSeed(11);
            ProsHead fresh = new ProsHead(64, config);
            fresh.initializeParameters(manager);
            assertArrayEquals(bytes(legacy), bytes(fresh), "same seed, same initial parameters and format");

            // "train" the legacy head away from its initial values, save it, load it into a new DINO preset
            legacy.getParameters()
                    .values()
                    .forEach(parameter -> parameter.getArray().addi(0.25f));
            byte[] written = bytes(legacy);
            ProsHead loaded = new ProsHead(64, config);
            loaded.initializeParameters(manager);
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(written)));
            assertArrayEquals(written, bytes(loaded));

            ParameterStore store = new ParameterStore(manager, false);
            try (NDManager batch = manager.newSubManager()) {
                NDList classTokens = new NDList(batch.randomNormal(new Shape(4, 64)));
                assertArrayEquals(
                        legacy.forward(store, classTokens, false).head().toFloatArray(),
                        loaded.forward(store, classTokens, false).head().toFloatArray(),
                        0f);
            }
            // and the ProS preset refuses it rather than reading a linear layer as prototypes
            ProsHead pros = new ProsHead(64, config.withNormLastLayer(true));
            pros.initializeParameters(manager);
            assertThrows(
                    Exception.class,
                    () -> pros.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(written))));
        }
    }

    private static byte[] bytes(Block block) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            block.saveParameters(out);
        }
        return buffer.toByteArray();
    }

    @Test
    void variantDefaultsScaleWithTheBackbone() {
        assertEquals(
                new ProsHeadConfig(512, 256, 1024),
                ProsHeadConfig.defaultsFor(VisionTransformerConfig.variant("vit_tiny_patch8_64")));
        assertEquals(
                new ProsHeadConfig(2048, 256, 65536),
                ProsHeadConfig.defaultsFor(VisionTransformerConfig.variant("vit_base_patch16_224")));
    }
}
