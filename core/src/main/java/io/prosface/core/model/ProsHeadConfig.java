package io.prosface.core.model;

/**
 * Sizes and variant of the ProS head: projection MLP widths, the number of prototypes K, and whether the last layer
 * (the prototypes) is normalised.
 *
 * <p>Two presets: {@link #pros} (the paper's head: cosine similarities to L2-normalised learnable prototypes) and
 * {@link #dino} (the ablation's head: the same projection, then a plain linear last layer that gives unbounded
 * logits over K outputs). They differ only in {@link #normLastLayer}, named after DINO's {@code norm_last_layer}.
 *
 * @param hiddenDim width of the projection MLP's hidden layers
 * @param bottleneckDim width of the unit-norm embedding compared with the prototypes
 * @param numPrototypes K
 * @param normLastLayer {@code true} (ProS): every prototype row is L2-normalised at use, i.e. DINO's weight-normalised
 *     last layer with its norm fixed to 1, so the outputs are cosines in [-1, 1]; {@code false} (the DINO ablation):
 *     a plain linear last layer without weight normalisation, whose outputs are logits. The switch also fixes the last
 *     layer's name in saved parameters ({@link #lastLayerName()}), so each preset reads the files it always wrote.
 */
public record ProsHeadConfig(int hiddenDim, int bottleneckDim, int numPrototypes, boolean normLastLayer) {

    /** The embedding width every ProS head of this project uses (DINO's 256). */
    public static final int DEFAULT_BOTTLENECK = 256;

    /** Block name of the normalised last layer ({@link Prototypes}); parameter {@code ..._prototypes_weight}. */
    public static final String PROTOTYPES = "prototypes";

    /** Block name of the unnormalised last layer (a linear layer); parameter {@code ..._lastLayer_weight}. */
    public static final String LINEAR_LAST_LAYER = "lastLayer";

    public ProsHeadConfig {
        if (hiddenDim <= 0 || bottleneckDim <= 0 || numPrototypes <= 0) {
            throw new IllegalArgumentException("ProS head sizes must be positive: hidden " + hiddenDim + ", bottleneck "
                    + bottleneckDim + ", prototypes " + numPrototypes);
        }
    }

    /** The ProS head of these sizes (normalised prototypes), as {@link #pros}. */
    public ProsHeadConfig(int hiddenDim, int bottleneckDim, int numPrototypes) {
        this(hiddenDim, bottleneckDim, numPrototypes, true);
    }

    /** ProS: cosine similarities to K L2-normalised learnable prototypes. */
    public static ProsHeadConfig pros(int hiddenDim, int bottleneckDim, int numPrototypes) {
        return new ProsHeadConfig(hiddenDim, bottleneckDim, numPrototypes, true);
    }

    /** The DINO-loss ablation ({@code loss=dino}): a plain, unnormalised linear last layer of K logits. */
    public static ProsHeadConfig dino(int hiddenDim, int bottleneckDim, int numPrototypes) {
        return new ProsHeadConfig(hiddenDim, bottleneckDim, numPrototypes, false);
    }

    /** The same sizes with the given last layer. */
    public ProsHeadConfig withNormLastLayer(boolean normalised) {
        return new ProsHeadConfig(hiddenDim, bottleneckDim, numPrototypes, normalised);
    }

    /**
     * Name of the last layer's block, hence of its parameter in saved files: {@value #PROTOTYPES} or
     * {@value #LINEAR_LAST_LAYER}.
     */
    public String lastLayerName() {
        return normLastLayer ? PROTOTYPES : LINEAR_LAST_LAYER;
    }

    /**
     * Defaults per backbone variant: DINO's 2048-wide MLP and 65536 prototypes for the 224-px models, a 512-wide
     * MLP and 1024 prototypes for the tiny ones (small corpora need fewer prototypes to avoid empty ones) and
     * a 128-wide head with 256 prototypes for the test-only micro model. Always the {@link #pros} preset.
     */
    public static ProsHeadConfig defaultsFor(VisionTransformerConfig backbone) {
        String name = backbone.name();
        if (name.startsWith("vit_micro")) {
            return pros(128, DEFAULT_BOTTLENECK, 256);
        }
        if (name.startsWith("vit_tiny")) {
            return pros(512, DEFAULT_BOTTLENECK, 1024);
        }
        return pros(2048, DEFAULT_BOTTLENECK, 65536);
    }
}
