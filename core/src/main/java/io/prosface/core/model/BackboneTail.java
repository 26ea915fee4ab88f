package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An own copy of the last k transformer blocks of a {@link VisionTransformer} and its final LayerNorm: the part of
 * the backbone a few-shot head may fine-tune ("last k blocks unfrozen"). The shared backbone runs blocks 0..L-k-1
 * once ({@link VisionTransformer#embed} + {@link VisionTransformer#runBlocks}); this tail maps those tokens to the
 * head's inputs exactly as the rest of the full forward would.
 *
 * <p>Input {@code NDList(tokens (B, 1 + N, D))} at depth L - k; output {@code NDList(classToken (B, D), patchTokens
 * (B, N, D))}. Parameter names: {@code 01block_...} .. {@code 0kblock_...}, then {@code norm} (pinned by a test: they
 * are the format of a head artifact's tail file). Stochastic depth is off: a few-shot tail trains for a few hundred
 * steps on cached tokens, where dropping whole residual branches only adds noise.
 */
public final class BackboneTail extends AbstractBlock {

    private static final byte VERSION = 1;

    private final VisionTransformerConfig config;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;

    /**
     * @param blocks k, the number of last blocks this tail replaces, in 1..depth
     */
    public BackboneTail(VisionTransformerConfig config, int blocks) {
        super(VERSION);
        if (blocks < 1 || blocks > config.depth()) {
            throw new IllegalArgumentException(
                    "a tail of " + config.name() + " has 1.." + config.depth() + " blocks, not " + blocks);
        }
        this.config = config;
        for (int index = 0; index < blocks; index++) {
            this.blocks.add(addChildBlock(
                    "block", new TransformerBlock(config.embedDim(), config.numHeads(), config.mlpRatio(), 0f)));
        }
        norm = addChildBlock("norm", TransformerBlock.layerNorm());
        setInitializer(Tensors.weightInitializer(), Parameter.Type.WEIGHT);
    }

    /**
     * A tail initialised with the weights of {@code backbone}'s last {@code blocks} blocks and final norm, its arrays
     * in {@code manager}, each trainable parameter recording gradients. The backbone is only read.
     */
    public static BackboneTail copyOf(VisionTransformer backbone, int blocks, NDManager manager) {
        BackboneTail tail = new BackboneTail(backbone.config(), blocks);
        tail.setInitializer(Initializer.ZEROS, parameter -> true);
        tail.initializeParameters(manager);
        List<Parameter> source = new ArrayList<>();
        List<TransformerBlock> all = backbone.blocks();
        all.subList(all.size() - blocks, all.size())
                .forEach(block -> source.addAll(block.getParameters().values()));
        source.addAll(backbone.norm().getParameters().values());
        List<Parameter> target = tail.getParameters().values();
        // DJL's own encoding round trip: copies values, shapes and local names (checked on load), on any device
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Parameter parameter : source) {
                parameter.save(out);
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            for (Parameter parameter : target) {
                Shape shape = parameter.getArray().getShape();
                parameter.close();
                parameter.load(manager, in);
                if (!parameter.getArray().getShape().equals(shape)) {
                    throw new IllegalStateException("tail parameter " + parameter.getName() + " got "
                            + parameter.getArray().getShape() + ", expected " + shape);
                }
                if (parameter.requiresGradient()) { // loading does not attach a gradient (see Checkpoint)
                    parameter.getArray().setRequiresGradient(true);
                }
            }
        } catch (IOException | ai.djl.MalformedModelException mismatch) {
            throw new IllegalStateException(
                    "cannot copy the last " + blocks + " blocks: " + mismatch.getMessage(), mismatch);
        }
        return tail;
    }

    /** k, the number of blocks. */
    public int blockCount() {
        return blocks.size();
    }

    /** Depth of the backbone tokens this tail reads: L - k. */
    public int inputDepth() {
        return config.depth() - blocks.size();
    }

    public VisionTransformerConfig config() {
        return config;
    }

    /** Allocates all parameters for token sequences of the configured image size. */
    public void initializeParameters(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 1 + config.numPatches(), config.embedDim()));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.head();
        for (TransformerBlock block : blocks) {
            tokens = block.forward(parameterStore, new NDList(tokens), training).head();
        }
        return VisionTransformer.splitTokens(
                norm.forward(parameterStore, new NDList(tokens), training).head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {
            new Shape(tokens.get(0), tokens.get(2)), new Shape(tokens.get(0), tokens.get(1) - 1, tokens.get(2))
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, inputShapes[0]);
        }
        norm.initialize(manager, dataType, inputShapes[0]);
    }
}
