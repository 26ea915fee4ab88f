package io.prosface.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The ProS head h = prototypes ∘ projection: maps the class token to cosine similarities with K prototypes. The
 * self-distillation loss turns these into (teacher-centred, sharpened) distributions over prototypes.
 */
public final class ProsHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inputDim;
    private final ProsHeadConfig config;
    private final ProjectionHead projection;
    private final Prototypes prototypes;

    /**
     * @param inputDim class-token width D
     * @param hiddenDim projection MLP width
     * @param bottleneckDim embedding width (256)
     * @param numPrototypes K
     */
    public ProsHead(int inputDim, int hiddenDim, int bottleneckDim, int numPrototypes) {
        this(inputDim, new ProsHeadConfig(hiddenDim, bottleneckDim, numPrototypes));
    }

    /** With the default 256-wide embedding. */
    public ProsHead(int inputDim, int hiddenDim, int numPrototypes) {
        this(inputDim, hiddenDim, ProsHeadConfig.DEFAULT_BOTTLENECK, numPrototypes);
    }

    public ProsHead(int inputDim, ProsHeadConfig config) {
        super(VERSION);
        this.inputDim = inputDim;
        this.config = config;
        projection = addChildBlock("projection", new ProjectionHead(config.hiddenDim(), config.bottleneckDim()));
        prototypes = addChildBlock("prototypes", new Prototypes(config.numPrototypes(), config.bottleneckDim()));
    }

    public int inputDim() {
        return inputDim;
    }

    public ProsHeadConfig config() {
        return config;
    }

    public ProjectionHead projection() {
        return projection;
    }

    public Prototypes prototypes() {
        return prototypes;
    }

    /** Allocates and initialises all parameters (trunc-normal 0.02 weights, zero biases). */
    public void initializeParameters(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, inputDim));
    }

    /**
     * Input {@code NDList(classToken (B, D))} (a backbone output list also works: only its first element is read);
     * output {@code NDList(similarities (B, K))}, cosines in [-1, 1].
     */
    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList embedding = projection.forward(parameterStore, new NDList(inputs.head()), training);
        return prototypes.forward(parameterStore, embedding, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numPrototypes())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        projection.initialize(manager, dataType, inputShapes[0]);
        prototypes.initialize(manager, dataType, projection.getOutputShapes(new Shape[] {inputShapes[0]}));
    }
}
