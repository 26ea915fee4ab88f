package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Vision Transformer (Dosovitskiy et al. 2021) backbone as used by DINO and ProS: patch embedding, a learned class
 * token x_class, learned position embedding E_pos, L pre-norm transformer blocks and a final LayerNorm.
 *
 * <p>Input {@code NDList(images (B, 3, S, S))}, normalised float32. Output {@code NDList(classToken (B, D),
 * patchTokens (B, N, D))}. When S differs from {@link VisionTransformerConfig#imageSize()} the patch part of E_pos is
 * bicubically resized to the new grid, so one model serves multi-crop views of several sizes.
 */
public final class VisionTransformer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final VisionTransformerConfig config;
    private final Parameter classToken;
    private final Parameter positionEmbedding;
    /** {@link PatchEmbedding}, or a {@link ConvStem} for the {@code _convstem} variants. */
    private final AbstractBlock patchEmbedding;

    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;

    public VisionTransformer(VisionTransformerConfig config) {
        super(VERSION);
        this.config = config;
        int width = config.embedDim();
        classToken = addParameter(Parameter.builder()
                .setName("classToken")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, width))
                .build());
        positionEmbedding = addParameter(Parameter.builder()
                .setName("positionEmbedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1 + config.numPatches(), width))
                .build());
        patchEmbedding = addChildBlock(
                "patchEmbedding",
                config.convolutionalStem() ? new ConvStem(width) : new PatchEmbedding(config.patchSize(), width));
        for (int index = 0; index < config.depth(); index++) {
            // stochastic depth grows linearly with depth, 0 at the first block (DINO, timm)
            float rate = config.depth() == 1 ? 0f : (float) (config.dropPath() * index / (config.depth() - 1));
            blocks.add(addChildBlock("block", new TransformerBlock(width, config.numHeads(), config.mlpRatio(), rate)));
        }
        norm = addChildBlock("norm", TransformerBlock.layerNorm());
        setInitializer(Tensors.weightInitializer(), Parameter.Type.WEIGHT);
        if (patchEmbedding instanceof ConvStem stem) {
            stem.useKaimingInitializer();
        }
    }

    public VisionTransformerConfig config() {
        return config;
    }

    /** Allocates and initialises all parameters for inputs of the configured size (trunc-normal 0.02, LN 1/0). */
    public void initializeParameters(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, config.imageSize(), config.imageSize()));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = embed(parameterStore, inputs.head(), training);
        return finish(parameterStore, runBlocks(parameterStore, tokens, 0, config.depth(), training), training);
    }

    /**
     * The backbone's features, as timm's {@code forward_features}: the typed form of this block's forward.
     *
     * @param images (B, 3, S, S) normalised float32
     * @return NDList(classToken (B, D), patchTokens (B, N, D)) after the final LayerNorm
     */
    public NDList features(ParameterStore parameterStore, NDArray images, boolean training) {
        return forward(parameterStore, new NDList(images), training);
    }

    /**
     * The token sequence before block 0: [x_class ; patch embeddings] + E_pos. Together with {@link #runBlocks} and
     * {@link #finish} this is the forward pass in parts, so a caller can stop at depth d (the shared prefix of
     * heads that bring their own copy of the last blocks, {@link BackboneTail}) with the same operations in the same
     * order as the full forward.
     *
     * @param images (B, 3, S, S) normalised float32
     * @return tokens (B, 1 + N, D), in the manager of {@code images}
     */
    public NDArray embed(ParameterStore parameterStore, NDArray images, boolean training) {
        NDManager manager = images.getManager();
        NDArray patches = patchEmbedding
                .forward(parameterStore, new NDList(images), training)
                .head();
        long batch = patches.getShape().get(0);
        long gridHeight = images.getShape().get(2) / config.patchSize();
        long gridWidth = images.getShape().get(3) / config.patchSize();

        NDArray cls = Tensors.borrow(parameterStore.getValue(classToken, images.getDevice(), training), manager);
        // (1, 1, D) -> (B, 1, D) broadcast view; the concatenation below copies once into the token sequence
        NDArray clsPerImage = cls.broadcast(batch, 1, config.embedDim());
        // (B, 1, D) ++ (B, N, D) -> (B, 1 + N, D)
        NDArray tokens = NDArrays.concat(new NDList(clsPerImage, patches), 1);
        NDArray position =
                Tensors.borrow(parameterStore.getValue(positionEmbedding, images.getDevice(), training), manager);
        return tokens.add(
                PositionEmbeddings.resize(position, config.imageSize() / config.patchSize(), gridHeight, gridWidth));
    }

    /**
     * Blocks {@code from} .. {@code to - 1} on a token sequence: (B, 1 + N, D) -> (B, 1 + N, D). With from = 0 and
     * to = d it maps {@link #embed}'s output to the tokens at depth d.
     */
    public NDArray runBlocks(ParameterStore parameterStore, NDArray tokens, int from, int to, boolean training) {
        if (from < 0 || from > to || to > blocks.size()) {
            throw new IllegalArgumentException("blocks " + from + ".." + to + " of a depth-" + blocks.size() + " ViT");
        }
        for (TransformerBlock block : blocks.subList(from, to)) {
            tokens = block.forward(parameterStore, new NDList(tokens), training).head();
        }
        return tokens;
    }

    /** Final LayerNorm on the tokens after the last block, split into NDList(classToken (B, D), patchTokens). */
    public NDList finish(ParameterStore parameterStore, NDArray tokens, boolean training) {
        return splitTokens(
                norm.forward(parameterStore, new NDList(tokens), training).head());
    }

    /** (B, 1 + N, D) -> NDList((B, D), (B, N, D)), both views. */
    static NDList splitTokens(NDArray tokens) {
        return new NDList(tokens.get(":, 0, :"), tokens.get(":, 1:, :"));
    }

    /** Computes every transformer block with {@code forward} ({@link TransformerBlock#useForward}); null: float32. */
    public void useBlockForward(TransformerBlock.Forward forward) {
        blocks.forEach(block -> block.useForward(forward));
    }

    /** The transformer blocks in order (a {@link BackboneTail} copies the last of them). */
    List<TransformerBlock> blocks() {
        return List.copyOf(blocks);
    }

    /** The final LayerNorm. */
    LayerNorm norm() {
        return norm;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape patches = patchEmbedding.getOutputShapes(inputShapes)[0];
        return new Shape[] {new Shape(patches.get(0), config.embedDim()), patches};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        patchEmbedding.initialize(manager, dataType, inputShapes[0]);
        Shape patches = patchEmbedding.getOutputShapes(inputShapes)[0];
        Shape tokens = new Shape(patches.get(0), patches.get(1) + 1, patches.get(2));
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
    }
}
