package io.prosface.core.model;

/**
 * Analytic floating-point operation count of a {@link VisionTransformer} forward pass. Counts the matrix products
 * only (one multiply-add = 2 FLOPs): patch embedding, Q/K/V and output projections, the two attention products and
 * the MLP. LayerNorm, softmax, GELU and residual additions are linear in the activations and left out, as in the
 * usual ViT FLOP tables, so "forward GFLOP/s" compares directly with a GEMM's GFLOP/s.
 */
public final class ModelFlops {

    private ModelFlops() {}

    /** FLOPs of one forward pass over {@code batch} images of the configured size. */
    public static double forward(VisionTransformerConfig config, int batch) {
        return forward(config, batch, config.imageSize());
    }

    /** FLOPs of one forward pass over {@code batch} square images of side {@code imageSize}. */
    public static double forward(VisionTransformerConfig config, int batch, int imageSize) {
        double width = config.embedDim();
        double patches = Math.pow(imageSize / config.patchSize(), 2);
        double tokens = patches + 1;
        double hidden = Math.round(width * config.mlpRatio());
        double patchEmbedding = 2 * patches * (3.0 * config.patchSize() * config.patchSize()) * width;
        double projections = 2 * tokens * width * (3 * width + width + 2 * hidden);
        double attentionProducts = 2 * 2 * tokens * tokens * width;
        return batch * (patchEmbedding + config.depth() * (projections + attentionProducts));
    }

    /** FLOPs of one (m × k) · (k × n) matrix product. */
    public static double matMul(long m, long k, long n) {
        return 2.0 * m * k * n;
    }
}
