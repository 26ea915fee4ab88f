package io.prosface.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Architecture numbers of one Vision Transformer variant, named like timm ({@code vit_tiny_patch8_64}).
 *
 * @param name variant name, stored in every checkpoint
 * @param imageSize input side in pixels the position embedding is trained for
 * @param patchSize patch side in pixels (P)
 * @param embedDim token width (D)
 * @param depth number of transformer blocks (L)
 * @param numHeads attention heads (H); D must divide by H
 * @param mlpRatio hidden width of the MLP as a multiple of D
 * @param dropPath stochastic-depth rate of the last block (linearly increasing from 0)
 */
public record VisionTransformerConfig(
        String name,
        int imageSize,
        int patchSize,
        int embedDim,
        int depth,
        int numHeads,
        double mlpRatio,
        double dropPath) {

    private static final Map<String, VisionTransformerConfig> VARIANTS = new LinkedHashMap<>();

    static {
        // vit_micro exists only for fast tests
        register(new VisionTransformerConfig("vit_micro_patch8_32", 32, 8, 64, 2, 2, 2.0, 0.0));
        register(new VisionTransformerConfig("vit_micro_convstem8_32", 32, 8, 64, 2, 2, 2.0, 0.0));
        register(new VisionTransformerConfig("vit_tiny_patch8_64", 64, 8, 192, 12, 3, 4.0, 0.0));
        register(new VisionTransformerConfig("vit_tiny_patch16_112", 112, 16, 192, 12, 3, 4.0, 0.0));
        // a convolutional stem (ConvStem, total stride 8) instead of 8x8 patches, 8 blocks: learns faces from
        // scratch in a few CPU epochs where the plain ViT stays at the majority answer
        register(new VisionTransformerConfig("vit_tiny_convstem8_64", 64, 8, 192, 8, 3, 4.0, 0.0));
        register(new VisionTransformerConfig("vit_small_patch16_224", 224, 16, 384, 12, 6, 4.0, 0.1));
        register(new VisionTransformerConfig("vit_base_patch16_224", 224, 16, 768, 12, 12, 4.0, 0.1));
    }

    public VisionTransformerConfig {
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException(
                    name + ": embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException(
                    name + ": imageSize " + imageSize + " is not a multiple of patchSize " + patchSize);
        }
    }

    private static void register(VisionTransformerConfig config) {
        VARIANTS.put(config.name(), config);
    }

    /** The named variant, or an error that lists the known names. */
    public static VisionTransformerConfig variant(String name) {
        VisionTransformerConfig config = VARIANTS.get(name);
        if (config == null) {
            throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + variantNames());
        }
        return config;
    }

    public static List<String> variantNames() {
        return List.copyOf(VARIANTS.keySet());
    }

    /** Number of patch tokens N at the trained image size. */
    public int numPatches() {
        int perSide = imageSize / patchSize;
        return perSide * perSide;
    }

    /** True for the {@code _convstem} variants: a {@link ConvStem} (stride {@code patchSize} = 8) embeds the image. */
    public boolean convolutionalStem() {
        return name.contains("_convstem");
    }

    public int headDim() {
        return embedDim / numHeads;
    }
}
