package io.prosface.core.model;

/**
 * Sizes of the ProS head: projection MLP widths and the number of prototypes K.
 *
 * @param hiddenDim width of the projection MLP's hidden layers
 * @param bottleneckDim width of the unit-norm embedding compared with the prototypes
 * @param numPrototypes K
 */
public record ProsHeadConfig(int hiddenDim, int bottleneckDim, int numPrototypes) {

    /** The embedding width every ProS head of this project uses (DINO's 256). */
    public static final int DEFAULT_BOTTLENECK = 256;

    public ProsHeadConfig {
        if (hiddenDim <= 0 || bottleneckDim <= 0 || numPrototypes <= 0) {
            throw new IllegalArgumentException("ProS head sizes must be positive: hidden " + hiddenDim
                    + ", bottleneck " + bottleneckDim + ", prototypes " + numPrototypes);
        }
    }

    /**
     * Defaults per backbone variant: DINO's 2048-wide MLP and 65536 prototypes for the 224-px models, a 512-wide
     * MLP and 1024 prototypes for the tiny ones (small corpora need fewer prototypes to avoid empty ones) and
     * a 128-wide head with 256 prototypes for the test-only micro model.
     */
    public static ProsHeadConfig defaultsFor(VisionTransformerConfig backbone) {
        String name = backbone.name();
        if (name.startsWith("vit_micro")) {
            return new ProsHeadConfig(128, DEFAULT_BOTTLENECK, 256);
        }
        if (name.startsWith("vit_tiny")) {
            return new ProsHeadConfig(512, DEFAULT_BOTTLENECK, 1024);
        }
        return new ProsHeadConfig(2048, DEFAULT_BOTTLENECK, 65536);
    }
}
