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
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VisionTransformerTest {

    static final VisionTransformerConfig MICRO = VisionTransformerConfig.variant("vit_micro_patch8_32");

    /** Parameter counts of timm's ViT-S/16 and ViT-B/16 without their 1000-class head: same layout, same count. */
    private static final Map<String, Long> TIMM_COUNTS =
            Map.of("vit_small_patch16_224", 21_665_664L, "vit_base_patch16_224", 85_798_656L);

    static java.util.List<String> variants() {
        return VisionTransformerConfig.variantNames();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyVariantProducesFiniteClassAndPatchTokensOfTheRightShape(String name) {
        VisionTransformerConfig config = VisionTransformerConfig.variant(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(config);
            model.initializeParameters(manager);
            long parameters = parameterCount(model);
            System.out.printf(
                    "%-24s %,12d parameters, %.2f GFLOP per image%n",
                    name, parameters, ModelFlops.forward(config, 1) / 1e9);
            if (TIMM_COUNTS.containsKey(name)) {
                assertEquals(TIMM_COUNTS.get(name), parameters);
            }
            try (NDManager batch = manager.newSubManager()) {
                NDArray images = batch.randomNormal(new Shape(1, 3, config.imageSize(), config.imageSize()));
                NDList out = model.forward(new ParameterStore(batch, false), new NDList(images), false);
                assertEquals(new Shape(1, config.embedDim()), out.get(0).getShape());
                assertEquals(
                        new Shape(1, config.numPatches(), config.embedDim()),
                        out.get(1).getShape());
                assertTrue(allFinite(out.get(0)) && allFinite(out.get(1)), name + " produced NaN or infinity");
            }
        }
    }

    /** DJL names children by insertion order: this list IS the checkpoint format of the backbone. */
    @Test
    void parameterNamesOfMicroArePinned() {
        VisionTransformer model = new VisionTransformer(MICRO);
        String block1 = "02block_";
        String block2 = "03block_";
        var expected = new java.util.ArrayList<String>(java.util.List.of(
                "classToken",
                "positionEmbedding",
                "01patchEmbedding_01projection_weight",
                "01patchEmbedding_01projection_bias"));
        for (String block : java.util.List.of(block1, block2)) {
            for (String suffix : java.util.List.of(
                    "01attentionNorm_gamma",
                    "01attentionNorm_beta",
                    "02attention_01queryKeyValue_weight",
                    "02attention_01queryKeyValue_bias",
                    "02attention_02outputProjection_weight",
                    "02attention_02outputProjection_bias",
                    "03feedForwardNorm_gamma",
                    "03feedForwardNorm_beta",
                    "04feedForward_01expand_weight",
                    "04feedForward_01expand_bias",
                    "04feedForward_02contract_weight",
                    "04feedForward_02contract_bias")) {
                expected.add(block + suffix);
            }
        }
        expected.add("04norm_gamma");
        expected.add("04norm_beta");
        assertEquals(expected, model.getParameters().keys());
    }

    /**
     * The conv-stem variant: its stem's parameter names (part of its checkpoint format), Kaiming-initialised
     * convolutions that keep a unit-variance image at unit scale through three layers (the ViT's 0.02 init would
     * leave tokens ~1e-4 in size), and the same token grid as 8x8 patches.
     */
    @Test
    void convolutionalStemKeepsTheSignalAndTheTokenGrid() {
        VisionTransformerConfig config = VisionTransformerConfig.variant("vit_tiny_convstem8_64");
        assertTrue(config.convolutionalStem());
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(config);
            model.initializeParameters(manager);
            var names = model.getParameters().keys();
            assertEquals(
                    java.util.List.of(
                            "classToken",
                            "positionEmbedding",
                            "01patchEmbedding_01conv_weight",
                            "01patchEmbedding_01conv_bias",
                            "01patchEmbedding_02conv_weight",
                            "01patchEmbedding_02conv_bias",
                            "01patchEmbedding_03conv_weight",
                            "01patchEmbedding_03conv_bias",
                            "01patchEmbedding_04projection_weight",
                            "01patchEmbedding_04projection_bias"),
                    names.subList(0, 10));
            ConvStem stem = new ConvStem(config.embedDim());
            stem.useKaimingInitializer();
            stem.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 64, 64));
            try (NDManager batch = manager.newSubManager()) {
                NDArray images = batch.randomNormal(new Shape(4, 3, 64, 64));
                NDArray tokens = stem.forward(new ParameterStore(batch, false), new NDList(images), false)
                        .head();
                assertEquals(new Shape(4, 64, 192), tokens.getShape());
                double std = tokens.sub(tokens.mean()).pow(2).mean().sqrt().getFloat();
                assertTrue(std > 0.2 && std < 5, "token scale " + std);
            }
        }
    }

    @Test
    void initialisationFollowsTimm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(VisionTransformerConfig.variant("vit_tiny_patch8_64"));
            model.initializeParameters(manager);
            var parameters = model.getParameters();
            NDArray qkv =
                    parameters.get("02block_02attention_01queryKeyValue_weight").getArray();
            double std = qkv.sub(qkv.mean()).pow(2).mean().sqrt().getFloat();
            // a normal cut at ±2σ has standard deviation 0.88σ
            assertEquals(0.02 * 0.88, std, 0.001);
            assertTrue(qkv.abs().max().getFloat() <= 0.04f + 1e-6f);
            assertEquals(
                    0f,
                    parameters
                            .get("02block_02attention_01queryKeyValue_bias")
                            .getArray()
                            .abs()
                            .sum()
                            .getFloat());
            assertEquals(1f, parameters.get("14norm_gamma").getArray().min().getFloat());
            assertEquals(
                    0f, parameters.get("14norm_beta").getArray().abs().max().getFloat());
        }
    }

    @Test
    void positionEmbeddingIsInterpolatedForAnotherInputSize() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(MICRO);
            model.initializeParameters(manager);
            try (NDManager batch = manager.newSubManager()) {
                NDArray images = batch.randomNormal(new Shape(2, 3, 48, 56));
                NDList out = model.forward(new ParameterStore(batch, false), new NDList(images), false);
                // 48/8 × 56/8 = 6 × 7 patches
                assertEquals(new Shape(2, 42, 64), out.get(1).getShape());
                assertTrue(allFinite(out.get(1)));
            }
        }
    }

    @Test
    void resizedPositionEmbeddingKeepsTheClassPositionAndSmoothFields() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // class position 7, patch grid a constant 3 in every channel: bicubic resizing must keep both exactly
            NDArray position = manager.full(new Shape(1, 17, 4), 3f);
            position.set(new ai.djl.ndarray.index.NDIndex(":, 0, :"), 7f);
            NDArray resized = PositionEmbeddings.resize(position, 4, 6, 6);
            assertEquals(new Shape(1, 37, 4), resized.getShape());
            assertArrayEquals(new float[] {7, 7, 7, 7}, resized.get(":, 0, :").toFloatArray());
            assertEquals(0f, resized.get(":, 1:, :").sub(3f).abs().max().getFloat(), 1e-5f);
            assertSame(position, PositionEmbeddings.resize(position, 4, 4, 4));

            // a ramp along x stays ordered along x after upsampling: rows are resized, not mixed up
            NDArray ramp = manager.arange(4f).reshape(1, 4).repeat(0, 4).reshape(1, 16, 1);
            NDArray withClass = manager.zeros(new Shape(1, 1, 1)).concat(ramp, 1);
            float[] grid = PositionEmbeddings.resize(withClass, 4, 8, 8)
                    .get(":, 1:, 0")
                    .toFloatArray();
            for (int row = 0; row < 8; row++) {
                for (int column = 0; column < 8; column++) {
                    assertEquals(grid[column], grid[row * 8 + column], 1e-5f, "rows differ");
                    assertTrue(column == 0 || grid[row * 8 + column] > grid[row * 8 + column - 1], "not increasing");
                }
            }
        }
    }

    @Test
    void dropPathActsOnlyInTrainingAndGradientsReachEveryParameter() {
        VisionTransformerConfig dropping = new VisionTransformerConfig("vit_micro_droppath", 32, 8, 64, 2, 2, 2.0, 0.5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            VisionTransformer model = new VisionTransformer(dropping);
            model.initializeParameters(manager);
            ParameterStore store = new ParameterStore(manager, false);
            try (NDManager batch = manager.newSubManager()) {
                NDArray images = batch.randomNormal(new Shape(8, 3, 32, 32));
                float[] inference1 =
                        model.forward(store, new NDList(images), false).head().toFloatArray();
                float[] inference2 =
                        model.forward(store, new NDList(images), false).head().toFloatArray();
                assertArrayEquals(inference1, inference2);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDList out = model.forward(store, new NDList(images), true);
                    assertFalse(
                            java.util.Arrays.equals(inference1, out.head().toFloatArray()),
                            "drop path 0.5 changed nothing in training");
                    collector.backward(out.get(0).sum().add(out.get(1).sum()));
                }
                for (Parameter parameter : model.getParameters().values()) {
                    NDArray gradient = parameter.getArray().getGradient();
                    assertNotNull(gradient, parameter.getName());
                    assertTrue(allFinite(gradient), parameter.getName());
                }
            }
        }
    }

    @Test
    void forwardArraysBelongToTheInputsManagerNotTheModels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(MICRO);
            model.initializeParameters(manager);
            String before = manager.toString();
            try (NDManager batch = manager.newSubManager()) {
                NDArray images = batch.randomNormal(new Shape(2, 3, 40, 40));
                NDList out = model.forward(new ParameterStore(batch, false), new NDList(images), false);
                assertSame(batch, out.get(0).getManager());
            }
            assertEquals(before, manager.toString(), "forward left arrays in the model's manager");
        }
    }

    @Test
    void imagesThatDoNotTileIntoPatchesAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = new VisionTransformer(MICRO);
            model.initializeParameters(manager);
            NDArray images = manager.zeros(new Shape(1, 3, 30, 32));
            var error = assertThrows(
                    IllegalArgumentException.class,
                    () -> model.forward(new ParameterStore(manager, false), new NDList(images), false));
            assertTrue(error.getMessage().contains("multiples of the patch size 8"), error.getMessage());
        }
    }

    static long parameterCount(ai.djl.nn.Block block) {
        return block.getParameters().values().stream()
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    static boolean allFinite(NDArray array) {
        return array.isInfinite().logicalOr(array.isNaN()).none().getBoolean();
    }
}
