package io.prosface.core.model.bf16;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.TransformerBlock;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mixed-precision forward of a checkpoint's backbone in DJL 0.36, the way PyTorch's CPU autocast splits the work:
 * the transformer blocks' linear layers and attention products in bfloat16 (weights cast once, activations cast
 * through {@link TorchScriptCast}), LayerNorm, softmax, the residual stream, the convolutional stem and the heads in
 * float32. A feasibility probe for training/docs/bf16-djl.md, not a serving path: it mirrors TransformerBlock and
 * SelfAttention by hand. Outputs as {@code ReferenceOutputs} (heads' raw outputs post-processed the same way).
 */
final class Bfloat16Forward implements AutoCloseable {

    private final Checkpoint checkpoint;
    private final TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16);
    private final List<Map<String, NDArray>> blocks = new ArrayList<>();

    Bfloat16Forward(Checkpoint checkpoint, NDManager weights) {
        this.checkpoint = checkpoint;
        for (Block child : checkpoint.backbone().getChildren().values()) {
            if (child instanceof TransformerBlock block) {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                block.getParameters().forEach(pair -> {
                    NDArray array = pair.getValue().getArray();
                    boolean matrixLayer = pair.getKey().contains("attention_") || pair.getKey().contains("feedForward_");
                    NDArray copy = array.duplicate();
                    copy.attach(weights);
                    arrays.put(pair.getKey(), matrixLayer ? toBfloat16.apply(copy) : copy);
                });
                blocks.add(arrays);
            }
        }
    }

    /** Head outputs for (B, 3, S, S) images, post-processed like the server's answers, by output name. */
    Map<String, float[]> outputs(NDArray images) {
        NDManager manager = images.getManager();
        ParameterStore parameters = new ParameterStore(manager, false);
        VisionTransformer backbone = checkpoint.backbone();
        VisionTransformerConfig config = backbone.config();
        NDArray tokens = backbone.embed(parameters, images, false); // float32 stem, class token, E_pos
        NDArray scale = manager.create((float) (1.0 / Math.sqrt(config.headDim())));
        for (Map<String, NDArray> block : blocks) {
            tokens = block(tokens, block, config, scale);
        }
        List<Block> children = new ArrayList<>(backbone.getChildren().values());
        LayerNorm norm = (LayerNorm) children.get(children.size() - 1);
        NDArray normed = norm.forward(parameters, new NDList(tokens), false).head();
        NDList features = new NDList(normed.get(":, 0, :"), normed.get(":, 1:, :"));
        Map<String, float[]> outputs = new LinkedHashMap<>();
        NDArray classToken = features.get(0);
        outputs.put("embedding", classToken.div(classToken.norm(new int[] {1}, true).maximum(1e-12f)).toFloatArray());
        for (HeadConfig head : checkpoint.config().heads()) {
            NDArray output = checkpoint.heads().get(head.name()).forward(parameters, features, false).head();
            NDArray served = switch (head.kind()) {
                case ATTRIBUTES, MULTILABEL -> Activation.sigmoid(output);
                case EXPRESSION, CLASSIFICATION -> output.softmax(-1);
                case LANDMARKS, REGRESSION -> output;
            };
            outputs.put(head.name(), served.toFloatArray());
        }
        return outputs;
    }

    private NDArray block(NDArray tokens, Map<String, NDArray> weights, VisionTransformerConfig config,
            NDArray scale) {
        long batch = tokens.getShape().get(0);
        long length = tokens.getShape().get(1);
        int width = config.embedDim();
        NDArray normed = layerNorm(tokens, weights, "01attentionNorm");
        NDArray qkv = linear(toBfloat16.apply(normed), weights, "02attention_01queryKeyValue");
        // (B, T, 3D) -> (B, T, 3, H, D/H) -> (3, B, H, T, D/H)
        NDArray heads = qkv.reshape(batch, length, 3, config.numHeads(), config.headDim()).transpose(2, 0, 3, 1, 4);
        // bfloat16 products, float32 softmax (a bfloat16 array's softmax aborts in DJL 0.36, and autocast does the same)
        NDArray scores = heads.get(0).matMul(heads.get(1).swapAxes(2, 3)).toType(DataType.FLOAT32, false).mul(scale);
        NDArray attention = toBfloat16.apply(scores.softmax(3));
        NDArray attended = attention.matMul(heads.get(2));
        // (B, H, T, D/H) -> (B, T, H, D/H) -> (B, T, D)
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(batch, length, width);
        tokens = tokens.add(linear(merged, weights, "02attention_02outputProjection").toType(DataType.FLOAT32, false));
        normed = layerNorm(tokens, weights, "03feedForwardNorm");
        NDArray hidden = Activation.gelu(linear(toBfloat16.apply(normed), weights, "04feedForward_01expand"));
        return tokens.add(linear(hidden, weights, "04feedForward_02contract").toType(DataType.FLOAT32, false));
    }

    private static NDArray layerNorm(NDArray tokens, Map<String, NDArray> weights, String name) {
        return LayerNorm.layerNorm(tokens, new Shape(tokens.getShape().get(2)), weights.get(name + "_gamma"),
                weights.get(name + "_beta"), TransformerBlock.LAYER_NORM_EPSILON).head();
    }

    private static NDArray linear(NDArray input, Map<String, NDArray> weights, String name) {
        return Linear.linear(input, weights.get(name + "_weight"), weights.get(name + "_bias")).head();
    }

    @Override
    public void close() {
        toBfloat16.close();
    }
}
