package io.prosface.training.bf16;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import io.prosface.core.model.bf16.TorchScriptCast;
import java.util.Locale;

/**
 * Whether a backward pass can run through bfloat16 in DJL 0.36 (training/docs/bf16-djl.md, "Training"). Each case in
 * a JVM of its own ({@link Bfloat16TrainingTest}), since a wrong step aborts the process:
 * <ul>
 *   <li>{@code parameter}: a bfloat16 parameter the DJL way (an array made as BFLOAT16 and given a gradient) - the
 *       abort of every BFLOAT16 request;</li>
 *   <li>{@code linear}: float32 master weights, cast to bfloat16 inside the gradient collector by the TorchScript cast
 *       in training mode, a Linear in bfloat16, cast back, a float32 loss: prints the weight gradient's type and its
 *       relative difference from the float32 gradient.</li>
 * </ul>
 */
public final class Bfloat16TrainingProbe {

    private Bfloat16TrainingProbe() {}

    public static void main(String[] args) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            switch (args[0]) {
                case "parameter" -> {
                    NDArray weight = manager.randomNormal(new Shape(4, 4)).toType(DataType.BFLOAT16, false);
                    weight.setRequiresGradient(true);
                    System.out.println("survived: " + weight.getDataType());
                }
                case "linear" -> linear(manager);
                default -> throw new IllegalArgumentException("parameter | linear, not " + args[0]);
            }
        }
    }

    private static void linear(NDManager manager) {
        manager.getEngine().setRandomSeed(14);
        NDArray input = manager.randomNormal(new Shape(64, 192));
        NDArray weight = manager.randomNormal(0, 0.05f, new Shape(96, 192), DataType.FLOAT32);
        NDArray bias = manager.zeros(new Shape(96));
        weight.setRequiresGradient(true);
        bias.setRequiresGradient(true);
        float[] reference = gradient(manager, input, weight, bias, null, null);
        try (TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16);
                TorchScriptCast toFloat32 = TorchScriptCast.to(TorchScriptCast.FLOAT32)) {
            float[] mixed = gradient(manager, input, weight, bias, toBfloat16, toFloat32);
            double difference = 0;
            double norm = 0;
            for (int index = 0; index < reference.length; index++) {
                difference += Math.pow(mixed[index] - reference[index], 2);
                norm += Math.pow(reference[index], 2);
            }
            System.out.printf(
                    Locale.ROOT,
                    "weight gradient %s, relative difference from float32 %.2e%n",
                    weight.getGradient().getDataType(),
                    Math.sqrt(difference / norm));
        }
    }

    /** d mean(y²) / dW for y = x Wᵀ + b, in float32 or (with a cast) with a bfloat16 Linear. */
    private static float[] gradient(
            NDManager manager,
            NDArray input,
            NDArray weight,
            NDArray bias,
            TorchScriptCast toBfloat16,
            TorchScriptCast toFloat32) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray output;
            if (toBfloat16 == null) {
                output = Linear.linear(input, weight, bias).head();
            } else {
                // back to float32 through the TorchScript cast too: DJL's toType does not record autograd
                output = toFloat32.apply(
                        Linear.linear(
                                        toBfloat16.apply(input, true),
                                        toBfloat16.apply(weight, true),
                                        toBfloat16.apply(bias, true))
                                .head(),
                        true);
            }
            collector.backward(output.square().mean());
            float[] gradient = weight.getGradient().toFloatArray();
            weight.getGradient().subi(weight.getGradient());
            bias.getGradient().subi(bias.getGradient());
            return gradient;
        }
    }
}
