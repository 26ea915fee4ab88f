package io.prosface.core.model.bf16;

import static io.prosface.core.model.bf16.BlockWeights.layerNorm;
import static io.prosface.core.model.bf16.BlockWeights.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.BackbonePass;
import io.prosface.core.model.TransformerBlock;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A mixed-precision inference pass of a backbone in DJL 0.36, the way PyTorch's CPU autocast splits the work: the
 * transformer blocks' linear layers, attention products and GELU in bfloat16 (weights cast once, activations cast
 * through {@link TorchScriptCast}), LayerNorm, softmax, the residual stream, the convolutional stem and the final norm
 * in float32. Returns a float32 {@link BackbonePass}, so heads and tails run on it in float32 as after any backbone.
 *
 * <p>Measured, not served: {@code pros-train bench --precision bf16} times and checks it (training/docs/bf16-djl.md).
 * It mirrors {@link TransformerBlock} and {@code SelfAttention} by hand (a change there must be made here too; the
 * bench's agreement columns show a mismatch at once). The bfloat16 arrays never leave this class: DJL 0.36 aborts the
 * JVM on any operation that passes a bfloat16 array's dtype to the JNI (softmax, full, zerosLike, ...), and every
 * operation used here is one that was checked not to.
 */
public final class Bfloat16Forward implements AutoCloseable {

    private final VisionTransformer backbone;
    private final TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16);
    /** Per block: parameter name -> array; the linear layers' weights and biases in bfloat16, the norms float32. */
    private final List<Map<String, NDArray>> blocks = new ArrayList<>();

    /** @param weights manager that keeps the bfloat16 copies of the weights until it is closed */
    public Bfloat16Forward(VisionTransformer backbone, NDManager weights) {
        this.backbone = backbone;
        for (Block child : backbone.getChildren().values()) {
            if (child instanceof TransformerBlock block) {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                block.getParameters().forEach(pair -> {
                    NDArray array = pair.getValue().getArray();
                    boolean matrixLayer = pair.getKey().contains("attention_")
                            || pair.getKey().contains("feedForward_");
                    NDArray copy = array.duplicate();
                    copy.attach(weights);
                    arrays.put(pair.getKey(), matrixLayer ? toBfloat16.apply(copy) : copy);
                });
                blocks.add(arrays);
            }
        }
    }

    /**
     * The pass {@link BackbonePass#run} computes, in mixed precision.
     *
     * @param images (B, 3, S, S) normalised float32; every array of the pass belongs to its manager
     * @param depths token depths in 0..L-1 to keep (for heads with their own last blocks)
     * @param fullOutput also finish the pass (last blocks + final norm)
     */
    public BackbonePass run(NDArray images, Collection<Integer> depths, boolean fullOutput) {
        NDManager manager = images.getManager();
        ParameterStore parameters = new ParameterStore(manager, false);
        VisionTransformerConfig config = backbone.config();
        TreeSet<Integer> ordered = new TreeSet<>(depths);
        if (!ordered.isEmpty() && (ordered.first() < 0 || ordered.last() >= blocks.size())) {
            throw new IllegalArgumentException("depths " + ordered + " are not in 0.." + (blocks.size() - 1));
        }
        int last = fullOutput ? blocks.size() : ordered.isEmpty() ? 0 : ordered.last();
        NDArray scale = manager.create((float) (1.0 / Math.sqrt(config.headDim())));
        NDArray tokens = backbone.embed(parameters, images, false); // float32 stem, class token, E_pos
        Map<Integer, NDArray> kept = new TreeMap<>();
        for (int depth = 0; ; depth++) {
            if (ordered.contains(depth)) {
                kept.put(depth, tokens); // tokens after the first `depth` blocks
            }
            if (depth == last) {
                break;
            }
            tokens = block(tokens, blocks.get(depth), config, scale);
        }
        NDList output = fullOutput ? backbone.finish(parameters, tokens, false) : null;
        return new BackbonePass(output, Map.copyOf(kept));
    }

    private NDArray block(NDArray tokens, Map<String, NDArray> weights, VisionTransformerConfig config, NDArray scale) {
        long batch = tokens.getShape().get(0);
        long length = tokens.getShape().get(1);
        int width = config.embedDim();
        NDArray normed = layerNorm(tokens, weights, "01attentionNorm");
        NDArray qkv = linear(toBfloat16.apply(normed), weights, "02attention_01queryKeyValue");
        // (B, T, 3D) -> (B, T, 3, H, D/H) -> (3, B, H, T, D/H)
        NDArray heads = qkv.reshape(batch, length, 3, config.numHeads(), config.headDim())
                .transpose(2, 0, 3, 1, 4);
        // bfloat16 products, float32 softmax (a bfloat16 array's softmax aborts in DJL 0.36, and autocast does the
        // same); (B, H, T, D/H) @ (B, H, D/H, T) -> (B, H, T_query, T_key)
        NDArray scores = heads.get(0)
                .matMul(heads.get(1).swapAxes(2, 3))
                .toType(DataType.FLOAT32, false)
                .mul(scale);
        NDArray attention = toBfloat16.apply(scores.softmax(3));
        // (B, H, T, T) @ (B, H, T, D/H) -> (B, H, T, D/H)
        NDArray attended = attention.matMul(heads.get(2));
        // (B, H, T, D/H) -> (B, T, H, D/H) -> (B, T, D)
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(batch, length, width);
        tokens = tokens.add(
                linear(merged, weights, "02attention_02outputProjection").toType(DataType.FLOAT32, false));
        normed = layerNorm(tokens, weights, "03feedForwardNorm");
        NDArray hidden = Activation.gelu(linear(toBfloat16.apply(normed), weights, "04feedForward_01expand"));
        return tokens.add(linear(hidden, weights, "04feedForward_02contract").toType(DataType.FLOAT32, false));
    }

    @Override
    public void close() {
        toBfloat16.close();
    }
}
