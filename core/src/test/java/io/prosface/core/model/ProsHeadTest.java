package io.prosface.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
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
                NDArray similarities = head.forward(store, new NDList(classTokens), false).head();
                assertEquals(new Shape(5, 100), similarities.getShape());
                assertTrue(similarities.max().getFloat() <= 1f + 1e-5f && similarities.min().getFloat() >= -1f - 1e-5f);

                // the embedding is unit-norm and the output is its dot product with unit-norm prototype rows
                NDArray embedding = head.projection().forward(store, new NDList(classTokens), false).head();
                assertArrayEquals(new float[] {1, 1, 1, 1, 1}, embedding.norm(new int[] {1}).toFloatArray(), 1e-5f);
                NDArray prototypes = head.prototypes().weight().getArray();
                NDArray unit = prototypes.div(prototypes.norm(new int[] {1}, true));
                assertArrayEquals(embedding.matMul(unit.transpose()).toFloatArray(), similarities.toFloatArray(), 1e-5f);

                // scaling a prototype does not change its similarities
                prototypes.muli(3f);
                assertArrayEquals(similarities.toFloatArray(),
                        head.forward(store, new NDList(classTokens), false).head().toFloatArray(), 1e-5f);
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
                NDArray similarities = head.forward(store, new NDList(batch.randomNormal(new Shape(4, 64))), true).head();
                collector.backward(similarities.sum());
            }
            assertFalse(head.prototypes().weight().getArray().hasGradient());
            NDArray projectionGradient = head.projection().getParameters().valueAt(0).getArray().getGradient();
            assertNotNull(projectionGradient);
            assertTrue(projectionGradient.abs().sum().getFloat() > 0f);

            head.prototypes().setFrozen(false);
            assertTrue(head.prototypes().weight().requiresGradient());
        }
    }

    @Test
    void variantDefaultsScaleWithTheBackbone() {
        assertEquals(new ProsHeadConfig(512, 256, 1024),
                ProsHeadConfig.defaultsFor(VisionTransformerConfig.variant("vit_tiny_patch8_64")));
        assertEquals(new ProsHeadConfig(2048, 256, 65536),
                ProsHeadConfig.defaultsFor(VisionTransformerConfig.variant("vit_base_patch16_224")));
    }
}
