package io.prosface.core.model.onnx;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.LayerNorm;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.ConvStem;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.PatchEmbedding;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.TransformerBlock;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a checkpoint (backbone, every task head and the heads' own last blocks) as one ONNX model that any ONNX
 * runtime serves with the checkpoint's answers: input {@code image} (batch, 3, S, S), normalised exactly as
 * {@code FacePreprocessor} does (the constants are in the model's metadata); outputs {@code embedding} (the unit-length
 * class token) and one per head, named after the head, post-processed as the server does (attribute and multilabel
 * probabilities by sigmoid, expression and class probabilities by softmax, landmarks (batch, K, 2) in [0, 1] of the
 * input square, regression values as they are). Standard operators of opset 17 only.
 *
 * <p>The blocks are read through their children and their pinned parameter names (the checkpoint format), so this
 * class needs no access to their fields; a block it does not know is an error, never a silent omission.
 */
public final class OnnxExporter {

    /** Opset of the default ONNX domain; 17 is the first with LayerNormalization. */
    public static final int OPSET = 17;
    /** IR version that goes with opset 17. */
    static final int IR_VERSION = 8;
    /** Name of the graph input. */
    public static final String INPUT = "image";
    /** Name of the unit-length class-token output. */
    public static final String EMBEDDING = "embedding";
    /** Outputs of {@link #exportBackbone}: the final class token (B, D) and patch tokens (B, N, D). */
    public static final String CLASS_TOKEN = "class_token";

    public static final String PATCH_TOKENS = "patch_tokens";
    /** Floor of the embedding's norm, as in the server. */
    static final float NORM_EPSILON = 1e-12f;

    /** How linear-layer weights are stored. */
    public enum Weights {
        /** As trained: the float32 model. */
        FLOAT32,
        /** Int8 per output unit, activations quantized per batch at run time ({@link WeightQuantization}). */
        INT8
    }

    private OnnxExporter() {}

    /** The ONNX model of {@code checkpoint} as bytes (a serialized ModelProto). */
    public static OnnxModel export(Checkpoint checkpoint, Weights weights) {
        OnnxGraph graph = new OnnxGraph(checkpoint.config().architecture().name());
        OnnxOps ops = new OnnxOps(graph, weights);
        VisionTransformerConfig architecture = checkpoint.config().architecture();
        int size = architecture.imageSize();
        graph.input(INPUT, OnnxGraph.FLOAT, "batch", 3L, (long) size, (long) size);

        Map<Integer, String> tokensAtDepth = new TreeMap<>();
        checkpoint.tails().values().forEach(tail -> tokensAtDepth.put(tail.inputDepth(), null));
        List<String> features = backbone(ops, checkpoint.backbone(), tokensAtDepth);
        List<String> outputNames = new ArrayList<>();
        embedding(ops, features.get(0));
        graph.output(EMBEDDING, OnnxGraph.FLOAT, "batch", (long) architecture.embedDim());
        outputNames.add(EMBEDDING);
        // heads keep float32 weights: under 2% of the multiply-adds, and soft-argmax landmarks are where int8 shows
        HeadOutputs heads = new HeadOutputs(ops.float32(), architecture.numPatches());
        for (HeadConfig head : checkpoint.config().heads()) {
            if (outputNames.contains(head.name()) || INPUT.equals(head.name())) {
                throw new IllegalArgumentException("a head named '" + head.name() + "' would clash with the ONNX"
                        + " input or output of that name");
            }
            List<String> headFeatures = features;
            BackboneTail tail = checkpoint.tail(head.name()).orElse(null);
            if (tail != null) {
                headFeatures = finish(
                        ops,
                        head.name() + "_tail",
                        blocks(
                                ops,
                                head.name() + "_tail",
                                tokensAtDepth.get(tail.inputDepth()),
                                children(tail),
                                architecture),
                        normOf(tail));
            }
            TaskHead block = checkpoint.heads().get(head.name());
            heads.emit(head, block, headFeatures);
            graph.output(head.name(), OnnxGraph.FLOAT, outputDims(head, block));
            outputNames.add(head.name());
        }
        return OnnxModel.ofCheckpoint(
                graph, checkpoint.config(), checkpoint.backboneSha256().orElse(""), weights, outputNames);
    }

    /**
     * The backbone alone, for a server that runs its heads itself: outputs {@code class_token} (B, D),
     * {@code patch_tokens} (B, N, D) after the final norm, and {@code tokens_<d>} (B, 1 + N, D), the token sequence
     * before block d for every d in 0..L-1 (what a head with its own last L - d blocks reads). A runtime computes
     * the outputs it is asked for.
     */
    public static OnnxModel exportBackbone(VisionTransformer backbone, Weights weights) {
        VisionTransformerConfig architecture = backbone.config();
        OnnxGraph graph = new OnnxGraph(architecture.name() + "_backbone");
        OnnxOps ops = new OnnxOps(graph, weights);
        int size = architecture.imageSize();
        graph.input(INPUT, OnnxGraph.FLOAT, "batch", 3L, (long) size, (long) size);
        Map<Integer, String> tokensAtDepth = new TreeMap<>();
        for (int depth = 0; depth < architecture.depth(); depth++) {
            tokensAtDepth.put(depth, null);
        }
        List<String> features = backbone(ops, backbone, tokensAtDepth);
        long tokens = 1L + architecture.numPatches();
        long width = architecture.embedDim();
        List<String> outputNames = new ArrayList<>(List.of(CLASS_TOKEN, PATCH_TOKENS));
        graph.namedNode("Identity", CLASS_TOKEN, List.of(features.get(0)));
        graph.output(CLASS_TOKEN, OnnxGraph.FLOAT, "batch", width);
        graph.namedNode("Identity", PATCH_TOKENS, List.of(features.get(1)));
        graph.output(PATCH_TOKENS, OnnxGraph.FLOAT, "batch", (long) architecture.numPatches(), width);
        tokensAtDepth.forEach((depth, value) -> {
            String name = tokensOutput(depth);
            graph.namedNode("Identity", name, List.of(value));
            graph.output(name, OnnxGraph.FLOAT, "batch", tokens, width);
            outputNames.add(name);
        });
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("prosface.architecture", architecture.name());
        metadata.put("prosface.weights", weights.name().toLowerCase(java.util.Locale.ROOT));
        return new OnnxModel(
                graph,
                metadata,
                "ProS Face " + architecture.name() + " backbone: input '" + INPUT
                        + "', outputs class_token, patch_tokens and tokens_<d> before block d",
                outputNames);
    }

    /** Name of the backbone model's output that holds the tokens before block {@code depth}. */
    public static String tokensOutput(int depth) {
        return "tokens_" + depth;
    }

    /** Writes {@link #export} to {@code file} (parent folders created). */
    public static OnnxModel write(Checkpoint checkpoint, Weights weights, Path file) throws IOException {
        OnnxModel model = export(checkpoint, weights);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, model.bytes());
        return model;
    }

    /**
     * The backbone: embed, all blocks (keeping the token states the tails read, by depth, in {@code tokensAtDepth}),
     * final norm; returns [classToken (B, D), patchTokens (B, N, D)].
     */
    private static List<String> backbone(OnnxOps ops, VisionTransformer backbone, Map<Integer, String> tokensAtDepth) {
        VisionTransformerConfig config = backbone.config();
        List<Block> children = children(backbone);
        String patches = patchEmbedding(ops, children.get(0), config);
        // (1, 1, D) -> (B, 1, D): the class token once per image, broadcast along the batch of the patches
        String batch = ops.graph()
                .node(
                        "Slice",
                        "batch_size",
                        List.of(
                                ops.graph().node("Shape", "patch_shape", List.of(patches)),
                                ops.graph().vector(0),
                                ops.graph().vector(1)));
        String expandShape = ops.concat("class_shape", 0, batch, ops.graph().vector(1, config.embedDim()));
        String classTokens = ops.graph()
                .node(
                        "Expand",
                        "class_tokens",
                        List.of(ops.parameter("class_token", direct(backbone, "classToken")), expandShape));
        // (B, 1, D) ++ (B, N, D) -> (B, 1 + N, D), + E_pos (1, 1 + N, D) at the trained size
        String tokens = ops.add(
                "tokens",
                ops.concat("sequence", 1, classTokens, patches),
                ops.parameter("position_embedding", direct(backbone, "positionEmbedding")));
        List<Block> blocks = children.subList(1, children.size() - 1);
        int depth = 0;
        for (Block block : blocks) {
            if (tokensAtDepth.containsKey(depth)) {
                tokensAtDepth.put(depth, tokens);
            }
            tokens = block(ops, "block" + depth, tokens, block, config);
            depth++;
        }
        if (depth != config.depth()) {
            throw new IllegalStateException("expected " + config.depth() + " blocks, found " + depth);
        }
        return finish(ops, "backbone", tokens, (LayerNorm) children.get(children.size() - 1));
    }

    /** (B, 3, S, S) -> (B, N, D) by the ConvStem or the patch convolution. */
    private static String patchEmbedding(OnnxOps ops, Block block, VisionTransformerConfig config) {
        List<Block> convolutions;
        if (block instanceof ConvStem || block instanceof PatchEmbedding) {
            convolutions = children(block);
        } else {
            throw new IllegalArgumentException(
                    "no ONNX export for a patch embedding " + block.getClass().getName());
        }
        String x = INPUT;
        for (int index = 0; index < convolutions.size(); index++) {
            Convolution convolution = (Convolution) convolutions.get(index);
            x = ops.convolution(
                    "stem" + index,
                    x,
                    direct(convolution, "weight"),
                    direct(convolution, "bias"),
                    Math.toIntExact(convolution.getKernelShape().get(0)),
                    Math.toIntExact(convolution.getStride().get(0)),
                    Math.toIntExact(convolution.getPadding().get(0)));
            if (block instanceof ConvStem && index < convolutions.size() - 1) { // GELU between the stem's convolutions
                x = ops.gelu("stem" + index + "_gelu", x);
            }
        }
        // (B, D, S/8, S/8) -> (B, D, N) -> (B, N, D), row-major over the grid as in DJL
        return ops.transpose("patches", ops.reshape("patch_grid", x, 0, config.embedDim(), -1), 0, 2, 1);
    }

    private static String blocks(
            OnnxOps ops, String hint, String tokens, List<Block> blocks, VisionTransformerConfig config) {
        int index = 0;
        for (Block block : blocks) {
            if (block instanceof TransformerBlock) {
                tokens = block(ops, hint + "_block" + index++, tokens, block, config);
            }
        }
        return tokens;
    }

    /** One pre-norm block: x + MSA(LN(x)), then x + MLP(LN(x)). */
    private static String block(OnnxOps ops, String hint, String tokens, Block block, VisionTransformerConfig config) {
        if (!(block instanceof TransformerBlock)) {
            throw new IllegalArgumentException(
                    "expected a TransformerBlock, found " + block.getClass().getName());
        }
        float epsilon = TransformerBlock.LAYER_NORM_EPSILON;
        String normed = ops.layerNorm(
                hint + "_norm1",
                tokens,
                named(block, "01attentionNorm_gamma"),
                named(block, "01attentionNorm_beta"),
                epsilon);
        String attended = ops.selfAttention(
                hint + "_attention",
                normed,
                named(block, "02attention_01queryKeyValue_weight"),
                named(block, "02attention_01queryKeyValue_bias"),
                named(block, "02attention_02outputProjection_weight"),
                named(block, "02attention_02outputProjection_bias"),
                config.embedDim(),
                config.numHeads());
        tokens = ops.add(hint + "_residual1", tokens, attended);
        normed = ops.layerNorm(
                hint + "_norm2",
                tokens,
                named(block, "03feedForwardNorm_gamma"),
                named(block, "03feedForwardNorm_beta"),
                epsilon);
        String hidden = ops.gelu(
                hint + "_gelu",
                ops.linear(
                        hint + "_expand",
                        normed,
                        named(block, "04feedForward_01expand_weight"),
                        named(block, "04feedForward_01expand_bias")));
        String fed = ops.linear(
                hint + "_contract",
                hidden,
                named(block, "04feedForward_02contract_weight"),
                named(block, "04feedForward_02contract_bias"));
        return ops.add(hint + "_residual2", tokens, fed);
    }

    /** Final LayerNorm, then (B, 1 + N, D) -> [classToken (B, D), patchTokens (B, N, D)]. */
    private static List<String> finish(OnnxOps ops, String hint, String tokens, LayerNorm norm) {
        String normed = ops.layerNorm(
                hint + "_norm",
                tokens,
                direct(norm, "gamma"),
                direct(norm, "beta"),
                TransformerBlock.LAYER_NORM_EPSILON);
        return List.of(
                ops.select(hint + "_class_token", normed, 1, 0), ops.sliceFrom(hint + "_patch_tokens", normed, 1, 1));
    }

    /** class token / max(‖class token‖, ε): a dot product of two embeddings is their cosine similarity. */
    private static void embedding(OnnxOps ops, String classToken) {
        OnnxGraph graph = ops.graph();
        String norm = graph.node(
                "ReduceL2",
                "class_token_norm",
                List.of(classToken),
                OnnxGraph.attribute("axes", new long[] {1}),
                OnnxGraph.attribute("keepdims", 1L));
        String floor = graph.node("Max", "class_token_norm_floor", List.of(norm, graph.scalar(NORM_EPSILON)));
        graph.namedNode("Div", EMBEDDING, List.of(classToken, floor));
    }

    private static Object[] outputDims(HeadConfig head, TaskHead block) {
        return head.kind() == HeadKind.LANDMARKS
                ? new Object[] {"batch", (long) block.outputs(), 2L}
                : new Object[] {"batch", (long) block.outputs()};
    }

    private static LayerNorm normOf(BackboneTail tail) {
        List<Block> children = children(tail);
        return (LayerNorm) children.get(children.size() - 1);
    }

    static List<Block> children(Block block) {
        return new ArrayList<>(block.getChildren().values());
    }

    /** A parameter of the block itself ("weight", "classToken"). */
    static Parameter direct(Block block, String name) {
        Parameter parameter = block.getDirectParameters().get(name);
        if (parameter == null) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " has no parameter '" + name
                    + "'; it has " + block.getDirectParameters().keys());
        }
        return parameter;
    }

    /** A parameter of the block or its descendants by its pinned path name ("02attention_01queryKeyValue_bias"). */
    static Parameter named(Block block, String name) {
        Parameter parameter = block.getParameters().get(name);
        if (parameter == null) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " has no parameter '" + name
                    + "'; it has " + block.getParameters().keys());
        }
        return parameter;
    }
}
