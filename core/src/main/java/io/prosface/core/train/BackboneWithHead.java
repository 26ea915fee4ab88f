package io.prosface.core.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.prosface.core.model.VisionTransformer;

/**
 * One self-distillation network: the ViT backbone followed by the head that maps its class token to K scores
 * (the ProS head, or the plain DINO-style head of the ablation). Images (B, 3, S, S) in, scores (B, K) out.
 * Parameter names are {@code backbone_...} and {@code head_...}, so recipes can select the last layer by name.
 */
public final class BackboneWithHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final VisionTransformer backbone;
    private final Block head;

    public BackboneWithHead(VisionTransformer backbone, Block head) {
        super(VERSION);
        this.backbone = addChildBlock("backbone", backbone);
        this.head = addChildBlock("head", head);
    }

    public VisionTransformer backbone() {
        return backbone;
    }

    public Block head() {
        return head;
    }

    /** Allocates and initialises every parameter for inputs of the backbone's configured size. */
    public void initializeParameters(NDManager manager) {
        int size = backbone.config().imageSize();
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        // backbone output NDList(classToken (B, D), patchTokens (B, N, D)); the head reads the class token
        NDList tokens = backbone.forward(parameterStore, inputs, training);
        return head.forward(parameterStore, new NDList(tokens.get(0)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] tokens = backbone.getOutputShapes(inputShapes);
        return head.getOutputShapes(new Shape[] {tokens[0]});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        Shape[] tokens = backbone.getOutputShapes(inputShapes);
        head.initialize(manager, dataType, tokens[0]);
    }
}
