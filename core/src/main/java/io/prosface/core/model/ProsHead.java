package io.prosface.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The ProS head h = prototypes ∘ projection: maps the class token to scores over K prototypes, which the
 * self-distillation loss turns into (teacher-centred, sharpened) distributions. The projection MLP g
 * ({@link ProjectionHead}) ends in an L2-normalised bottleneck z; the last layer depends on
 * {@link ProsHeadConfig#normLastLayer()}, DINO's {@code norm_last_layer}:
 *
 * <ul>
 *   <li>{@link ProsHeadConfig#pros ProS}: {@link Prototypes}, rows L2-normalised at every use (a weight-normalised
 *       last layer with its norm fixed to 1), so the outputs are cosine similarities z·c_k/‖c_k‖ in [-1, 1];
 *   <li>{@link ProsHeadConfig#dino the DINO-loss ablation}: a plain bias-free linear layer with the same (K,
 *       bottleneck) weight, NOT normalised, so the outputs are unbounded logits. Training with it ("loss=dino" in a
 *       recipe) isolates what the normalised prototypes contribute; a checkpoint of such a run keeps just the
 *       backbone.
 * </ul>
 *
 * <p>Parameter names, and the bytes DJL writes for each block, are those of the two heads this class replaces:
 * {@code 01projection_...} then {@code 02prototypes_weight} (ProS) or {@code 02lastLayer_weight} (a DJL
 * {@link Linear}, DINO), so pretraining state and checkpoints written before load unchanged.
 */
public final class ProsHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inputDim;
    private final ProsHeadConfig config;
    private final ProjectionHead projection;
    private final Block lastLayer;
    private final Parameter lastLayerWeight;

    /**
     * The ProS preset ({@link ProsHeadConfig#pros}).
     *
     * @param inputDim class-token width D
     * @param hiddenDim projection MLP width
     * @param bottleneckDim embedding width (256)
     * @param numPrototypes K
     */
    public ProsHead(int inputDim, int hiddenDim, int bottleneckDim, int numPrototypes) {
        this(inputDim, ProsHeadConfig.pros(hiddenDim, bottleneckDim, numPrototypes));
    }

    /** The ProS preset with the default 256-wide embedding. */
    public ProsHead(int inputDim, int hiddenDim, int numPrototypes) {
        this(inputDim, hiddenDim, ProsHeadConfig.DEFAULT_BOTTLENECK, numPrototypes);
    }

    /** Either preset: the config's {@link ProsHeadConfig#normLastLayer()} picks the last layer. */
    public ProsHead(int inputDim, ProsHeadConfig config) {
        super(VERSION);
        this.inputDim = inputDim;
        this.config = config;
        projection = addChildBlock("projection", new ProjectionHead(config.hiddenDim(), config.bottleneckDim()));
        if (config.normLastLayer()) {
            Prototypes prototypes = new Prototypes(config.numPrototypes(), config.bottleneckDim());
            lastLayer = addChildBlock(config.lastLayerName(), prototypes);
            lastLayerWeight = prototypes.weight();
        } else {
            Linear linear = Linear.builder()
                    .setUnits(config.numPrototypes())
                    .optBias(false)
                    .build();
            linear.setInitializer(Tensors.weightInitializer(), Parameter.Type.WEIGHT);
            lastLayer = addChildBlock(config.lastLayerName(), linear);
            lastLayerWeight = linear.getParameters().get("weight");
        }
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

    /** The last layer: {@link Prototypes} for ProS, a {@link Linear} for the DINO ablation. */
    public Block lastLayer() {
        return lastLayer;
    }

    /** The (K, bottleneck) last-layer weight of either preset: the prototypes c_1..c_K, one per row. */
    public Parameter lastLayerWeight() {
        return lastLayerWeight;
    }

    /**
     * The normalised prototypes of the ProS preset.
     *
     * @throws IllegalStateException for the DINO preset, whose last layer is a plain linear layer
     */
    public Prototypes prototypes() {
        if (lastLayer instanceof Prototypes prototypes) {
            return prototypes;
        }
        throw new IllegalStateException("the DINO head (normLastLayer=false) has a linear last layer, not "
                + "normalised prototypes; use lastLayer() or lastLayerWeight()");
    }

    /**
     * Whether {@code name} (a key of {@code getParameters()} of this head or of a network containing it) is the last
     * layer's weight, the parameter DINO and ProS keep frozen during the first epoch.
     */
    public boolean isLastLayerParameter(String name) {
        return name.endsWith(config.lastLayerName() + "_weight");
    }

    /** Allocates and initialises all parameters (trunc-normal 0.02 weights, zero biases). */
    public void initializeParameters(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, inputDim));
    }

    /**
     * Input {@code NDList(classToken (B, D))} (a backbone output list also works: only its first element is read);
     * output {@code NDList(scores (B, K))}: cosines in [-1, 1] for ProS, logits for the DINO preset.
     */
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
