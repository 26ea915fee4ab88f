package io.prosface.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModelFlopsTest {

    @Test
    void vitBaseMatchesThePublishedMultiplyAddCount() {
        // ViT-B/16 at 224 px is quoted as 17.6 G multiply-adds per image (timm, fvcore); we count 2 FLOPs each
        double flops = ModelFlops.forward(VisionTransformerConfig.variant("vit_base_patch16_224"), 1);
        assertEquals(17.56e9, flops / 2, 0.01e9);
    }

    @Test
    void scalesLinearlyWithBatchAndCountsTheInputSize() {
        VisionTransformerConfig tiny = VisionTransformerConfig.variant("vit_tiny_patch8_64");
        assertEquals(32 * ModelFlops.forward(tiny, 1), ModelFlops.forward(tiny, 32), 1e-3);
        assertEquals(ModelFlops.forward(tiny, 1), ModelFlops.forward(tiny, 1, 64), 0);
        double expected = 12 * (24.0 * 65 * 192 * 192 + 4.0 * 65 * 65 * 192) + 2.0 * 64 * 192 * 192;
        assertEquals(expected, ModelFlops.forward(tiny, 1), 1);
    }
}
