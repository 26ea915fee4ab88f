package io.prosface.training.bf16;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.sun.management.OperatingSystemMXBean;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.TransformerBlock;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.model.bf16.TorchScriptCast;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The upper bound of a bfloat16 pretraining step in DJL 0.36: forward + backward of the ViT's transformer blocks (most
 * of a ProS step's FLOPs) at a pretraining batch's shapes, float32 (the real blocks) against an autocast-style
 * bfloat16 version (float32 master weights cast to bfloat16 inside the gradient collector, bfloat16 linear layers,
 * attention products and GELU, float32 LayerNorm, softmax and residual stream; every cast through
 * {@link TorchScriptCast} in training mode, since DJL's toType does not record autograd). Side by side in one process,
 * per CPU-second; also the gradients' relative difference. Arguments: architecture (vit_tiny_patch8_64), batch (64),
 * global views (2), local views (4), local size (24), rounds (5). Prints numbers, asserts nothing.
 */
public final class Bfloat16TrainingBench {

    private Bfloat16TrainingBench() {}

    public static void main(String[] args) {
        VisionTransformerConfig config =
                VisionTransformerConfig.variant(args.length > 0 ? args[0] : "vit_tiny_patch8_64");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int globalViews = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int localViews = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int localSize = args.length > 4 ? Integer.parseInt(args[4]) : 24;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        long globalTokens = 1 + (long) Math.pow(config.imageSize() / config.patchSize(), 2);
        long localTokens = 1 + (long) Math.pow(localSize / config.patchSize(), 2);
        OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16);
                TorchScriptCast toFloat32 = TorchScriptCast.to(TorchScriptCast.FLOAT32)) {
            manager.getEngine().setRandomSeed(14);
            VisionTransformer backbone = new VisionTransformer(config);
            backbone.initializeParameters(manager);
            Checkpoint.attachGradients(backbone);
            List<TransformerBlock> blocks = new ArrayList<>();
            backbone.getChildren().values().forEach(child -> {
                if (child instanceof TransformerBlock block) {
                    blocks.add(block);
                }
            });
            NDArray global =
                    manager.randomNormal(new Shape((long) globalViews * batch, globalTokens, config.embedDim()));
            NDArray local = manager.randomNormal(new Shape((long) localViews * batch, localTokens, config.embedDim()));
            Mixed mixed = new Mixed(blocks, config, toBfloat16, toFloat32);

            List<float[]> reference = step(manager, backbone, blocks, null, global, local);
            List<float[]> low = step(manager, backbone, blocks, mixed, global, local);
            System.out.printf(
                    Locale.ROOT,
                    "%s blocks, %d x %d tokens + %d x %d tokens, forward + backward:%n",
                    config.name(),
                    globalViews * batch,
                    globalTokens,
                    localViews * batch,
                    localTokens);
            System.out.printf(
                    Locale.ROOT,
                    "  gradient relative difference bf16 vs fp32: %.2e (all parameters)%n",
                    relativeDifference(reference, low));
            double[] fp32 = new double[rounds];
            double[] bf16 = new double[rounds];
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long cpu = system.getProcessCpuTime();
                step(manager, backbone, blocks, null, global, local);
                long middle = system.getProcessCpuTime();
                step(manager, backbone, blocks, mixed, global, local);
                long end = system.getProcessCpuTime();
                fp32[round] = (middle - cpu) / 1e9;
                bf16[round] = (end - middle) / 1e9;
                ratios[round] = fp32[round] / bf16[round];
                System.out.printf(
                        Locale.ROOT,
                        "  round %d: fp32 %.2f CPU-s, bf16 %.2f CPU-s (%.2fx)%n",
                        round,
                        fp32[round],
                        bf16[round],
                        ratios[round]);
            }
            Arrays.sort(ratios);
            System.out.printf(
                    Locale.ROOT,
                    "  steps per CPU-second, bf16 / fp32: median %.2fx, best %.2fx%n",
                    ratios[rounds / 2],
                    ratios[rounds - 1]);
        }
    }

    /** One forward + backward of the blocks on both token batches; returns every block parameter's gradient. */
    private static List<float[]> step(
            NDManager manager,
            VisionTransformer backbone,
            List<TransformerBlock> blocks,
            Mixed mixed,
            NDArray global,
            NDArray local) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            ParameterStore store = new ParameterStore(step, false);
            NDArray loss;
            if (mixed == null) {
                loss = backbone.runBlocks(store, global, 0, blocks.size(), true)
                        .square()
                        .mean()
                        .add(backbone.runBlocks(store, local, 0, blocks.size(), true)
                                .square()
                                .mean());
            } else {
                List<Map<String, NDArray>> weights = mixed.castWeights(); // once per step, shared by both batches
                loss = mixed.forward(global, weights)
                        .square()
                        .mean()
                        .add(mixed.forward(local, weights).square().mean());
            }
            collector.backward(loss);
            List<float[]> gradients = new ArrayList<>();
            for (TransformerBlock block : blocks) {
                block.getParameters().values().forEach(parameter -> {
                    NDArray gradient = parameter.getArray().getGradient();
                    gradients.add(gradient.toFloatArray());
                    gradient.subi(gradient);
                });
            }
            return gradients;
        }
    }

    private static double relativeDifference(List<float[]> reference, List<float[]> other) {
        double difference = 0;
        double norm = 0;
        for (int array = 0; array < reference.size(); array++) {
            for (int index = 0; index < reference.get(array).length; index++) {
                difference += Math.pow(other.get(array)[index] - reference.get(array)[index], 2);
                norm += Math.pow(reference.get(array)[index], 2);
            }
        }
        return Math.sqrt(difference / norm);
    }

    /** The autocast-style blocks on the float32 master parameters of the real ones. */
    private record Mixed(
            List<TransformerBlock> blocks,
            VisionTransformerConfig config,
            TorchScriptCast toBfloat16,
            TorchScriptCast toFloat32) {

        /** Per block: the linear layers' weights and biases cast to bfloat16 (recorded), the norms as they are. */
        List<Map<String, NDArray>> castWeights() {
            List<Map<String, NDArray>> all = new ArrayList<>();
            for (Block block : blocks) {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                block.getParameters().forEach(pair -> {
                    NDArray array = pair.getValue().getArray();
                    boolean matrixLayer = pair.getKey().contains("attention_")
                            || pair.getKey().contains("feedForward_");
                    arrays.put(pair.getKey(), matrixLayer ? toBfloat16.apply(array, true) : array);
                });
                all.add(arrays);
            }
            return all;
        }

        NDArray forward(NDArray tokens, List<Map<String, NDArray>> weights) {
            NDManager manager = tokens.getManager();
            NDArray scale = manager.create((float) (1.0 / Math.sqrt(config.headDim())));
            for (Map<String, NDArray> block : weights) {
                tokens = block(tokens, block, scale);
            }
            return tokens;
        }

        private NDArray block(NDArray tokens, Map<String, NDArray> weights, NDArray scale) {
            long batch = tokens.getShape().get(0);
            long length = tokens.getShape().get(1);
            NDArray normed = layerNorm(tokens, weights, "01attentionNorm");
            NDArray qkv = linear(toBfloat16.apply(normed, true), weights, "02attention_01queryKeyValue");
            // (B, T, 3D) -> (B, T, 3, H, D/H) -> (3, B, H, T, D/H)
            NDArray heads = qkv.reshape(batch, length, 3, config.numHeads(), config.headDim())
                    .transpose(2, 0, 3, 1, 4);
            // (B, H, T, D/H) @ (B, H, D/H, T) -> (B, H, T_query, T_key), softmax in float32
            NDArray scores = toFloat32
                    .apply(heads.get(0).matMul(heads.get(1).swapAxes(2, 3)), true)
                    .mul(scale);
            NDArray attention = toBfloat16.apply(scores.softmax(3), true);
            // (B, H, T, T) @ (B, H, T, D/H) -> (B, H, T, D/H) -> (B, T, H, D/H) -> (B, T, D)
            NDArray merged =
                    attention.matMul(heads.get(2)).transpose(0, 2, 1, 3).reshape(batch, length, config.embedDim());
            tokens = tokens.add(toFloat32.apply(linear(merged, weights, "02attention_02outputProjection"), true));
            normed = layerNorm(tokens, weights, "03feedForwardNorm");
            NDArray hidden = Activation.gelu(linear(toBfloat16.apply(normed, true), weights, "04feedForward_01expand"));
            return tokens.add(toFloat32.apply(linear(hidden, weights, "04feedForward_02contract"), true));
        }

        private static NDArray layerNorm(NDArray tokens, Map<String, NDArray> weights, String name) {
            return LayerNorm.layerNorm(
                            tokens,
                            new Shape(tokens.getShape().get(2)),
                            weights.get(name + "_gamma"),
                            weights.get(name + "_beta"),
                            TransformerBlock.LAYER_NORM_EPSILON)
                    .head();
        }

        private static NDArray linear(NDArray input, Map<String, NDArray> weights, String name) {
            return Linear.linear(input, weights.get(name + "_weight"), weights.get(name + "_bias"))
                    .head();
        }
    }
}
