package io.prosface.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Test-only copy of the {@code DinoHead} this project had before {@link ProsHead}'s DINO preset replaced it, kept
 * verbatim (structure, block names, initialiser) so tests can check that parameters it wrote, e.g. in the resume state
 * of a {@code loss=dino} pretraining run, still load into {@code new ProsHead(D, ProsHeadConfig.dino(...))}.
 */
public final class LegacyDinoHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inputDim;
    private final ProsHeadConfig config;
    private final ProjectionHead projection;
    private final Linear lastLayer;

    public LegacyDinoHead(int inputDim, ProsHeadConfig config) {
        super(VERSION);
        this.inputDim = inputDim;
        this.config = config;
        projection = addChildBlock("projection", new ProjectionHead(config.hiddenDim(), config.bottleneckDim()));
        lastLayer = addChildBlock(
                "lastLayer",
                Linear.builder().setUnits(config.numPrototypes()).optBias(false).build());
        setInitializer(Tensors.weightInitializer(), Parameter.Type.WEIGHT);
    }

    public ProsHeadConfig config() {
        return config;
    }

    /** Allocates and initialises all parameters (trunc-normal 0.02 weights, zero biases). */
    public void initializeParameters(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, inputDim));
    }

    /** Input {@code NDList(classToken (B, D), ...)}; output {@code NDList(logits (B, K))}. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList embedding = projection.forward(parameterStore, new NDList(inputs.head()), training);
        return lastLayer.forward(parameterStore, embedding, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numPrototypes())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        projection.initialize(manager, dataType, inputShapes[0]);
        lastLayer.initialize(manager, dataType, projection.getOutputShapes(new Shape[] {inputShapes[0]}));
    }
}
