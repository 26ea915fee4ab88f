package io.prosface.core.model.bf16;

import static io.prosface.core.model.bf16.BlockWeights.layerNorm;
import static io.prosface.core.model.bf16.BlockWeights.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.DropPath;
import io.prosface.core.model.TransformerBlock;
import java.util.HashMap;
import java.util.Map;

/**
 * A transformer block computed the way PyTorch's CPU autocast splits it, for training and inference on the float32
 * master parameters: the linear layers (weights and activations cast to bfloat16), the attention products and GELU in
 * bfloat16; LayerNorm, softmax, the residual stream and drop path in float32. Set on a backbone with {@code
 * VisionTransformer.useBlockForward}. Gradients reach the float32 parameters through the casts, so optimizers, EMA,
 * clipping and checkpoints stay float32.
 *
 * <p>Every cast goes through a {@link TorchScriptCast}, both ways: DJL 0.36 cannot name bfloat16 (any BFLOAT16 request
 * aborts the JVM) and its {@code toType} does not record autograd (training/docs/bf16-djl.md). The bfloat16 arrays
 * never leave this class, and only operations that do not pass an array's dtype to the JNI touch them.
 */
public final class Bfloat16Autocast implements TransformerBlock.Forward, AutoCloseable {

    private final TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16);
    private final TorchScriptCast toFloat32 = TorchScriptCast.to(TorchScriptCast.FLOAT32);

    @Override
    public NDArray forward(TransformerBlock block, ParameterStore parameterStore, NDArray tokens, boolean training) {
        NDManager manager = tokens.getManager();
        Map<String, NDArray> weights = new HashMap<>();
        for (var pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            NDArray value = parameterStore.getValue(parameter, tokens.getDevice(), training);
            boolean matrixLayer =
                    pair.getKey().contains("attention_") || pair.getKey().contains("feedForward_");
            if (matrixLayer) {
                value = toBfloat16.apply(value, training);
                value.attach(manager); // the cast follows its input's (long-lived) manager; it belongs to this pass
            }
            weights.put(pair.getKey(), value);
        }
        long batch = tokens.getShape().get(0);
        long length = tokens.getShape().get(1);
        long width = tokens.getShape().get(2);
        long heads = block.numHeads();
        long headDim = width / heads;
        NDArray scale = manager.create((float) (1.0 / Math.sqrt(headDim)));

        NDArray normed = layerNorm(tokens, weights, "01attentionNorm");
        NDArray qkv = linear(toBfloat16.apply(normed, training), weights, "02attention_01queryKeyValue");
        // (B, T, 3D) -> (B, T, 3, H, D/H) -> (3, B, H, T, D/H)
        NDArray split = qkv.reshape(batch, length, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        // (B, H, T, D/H) @ (B, H, D/H, T) -> (B, H, T_query, T_key) in bfloat16; scale and softmax in float32
        NDArray scores = toFloat32
                .apply(split.get(0).matMul(split.get(1).swapAxes(2, 3)), training)
                .mul(scale);
        NDArray attention = toBfloat16.apply(scores.softmax(3), training);
        // (B, H, T, T) @ (B, H, T, D/H) -> (B, H, T, D/H) -> (B, T, H, D/H) -> (B, T, D)
        NDArray merged = attention.matMul(split.get(2)).transpose(0, 2, 1, 3).reshape(batch, length, width);
        NDArray attended = toFloat32.apply(linear(merged, weights, "02attention_02outputProjection"), training);
        tokens = tokens.add(DropPath.apply(attended, block.dropPath(), training));

        normed = layerNorm(tokens, weights, "03feedForwardNorm");
        NDArray hidden = Activation.gelu(linear(toBfloat16.apply(normed, training), weights, "04feedForward_01expand"));
        NDArray fed = toFloat32.apply(linear(hidden, weights, "04feedForward_02contract"), training);
        return tokens.add(DropPath.apply(fed, block.dropPath(), training));
    }

    @Override
    public void close() {
        toBfloat16.close();
        toFloat32.close();
    }
}
