package io.prosface.training.bf16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.model.bf16.Bfloat16Autocast;
import io.prosface.core.model.bf16.TorchScriptCast;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pins what bfloat16 training does in DJL 0.36 + libtorch 2.7.1 (training/docs/bf16-djl.md, "Training"): a bfloat16
 * parameter the DJL way aborts the JVM; DJL's toType does not record autograd; casts made by a TorchScript module in
 * training mode do, so float32 master weights get float32 gradients through bfloat16 layers ({@link Bfloat16Autocast}).
 */
class Bfloat16TrainingTest {

    @Test
    void aBfloat16ParameterTheDjlWayAbortsTheJvm() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Bfloat16TrainingProbe.class.getName(),
                        "parameter")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe ends");
        assertEquals(134, process.exitValue(), "SIGABRT expected; output:\n" + output);
        assertTrue(output.contains("terminate called without an active exception"), output);
    }

    @Test
    void djlToTypeDoesNotRecordAutogradButATorchScriptCastDoes() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchScriptCast toFloat64 = TorchScriptCast.to(7)) { // c10 kDouble: no bfloat16 needed to show it
            NDArray weight = manager.randomNormal(new Shape(4, 4));
            weight.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray viaToType =
                        weight.toType(DataType.FLOAT64, false).square().sum();
                EngineException cut = assertThrows(EngineException.class, () -> collector.backward(viaToType));
                assertTrue(cut.getMessage().contains("does not require grad"), cut.getMessage());
            }
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(toFloat64.apply(weight, true).square().sum());
            }
            // d sum(w²) / dw = 2w
            assertTrue(weight.getGradient().sub(weight.mul(2)).abs().max().getFloat() < 1e-5f);
        }
    }

    @Test
    void autocastBlocksGiveFloat32GradientsCloseToTheFloat32Blocks() {
        VisionTransformerConfig config = VisionTransformerConfig.variant("vit_micro_patch8_32");
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                Bfloat16Autocast autocast = new Bfloat16Autocast()) {
            manager.getEngine().setRandomSeed(14);
            VisionTransformer backbone = new VisionTransformer(config);
            backbone.initializeParameters(manager);
            Checkpoint.attachGradients(backbone);
            NDArray images = manager.randomNormal(new Shape(4, 3, config.imageSize(), config.imageSize()));

            List<float[]> reference = gradients(manager, backbone, images);
            backbone.useBlockForward(autocast);
            List<float[]> mixed = gradients(manager, backbone, images);
            backbone.useBlockForward(null);

            double difference = 0;
            double norm = 0;
            for (int array = 0; array < reference.size(); array++) {
                for (int index = 0; index < reference.get(array).length; index++) {
                    difference += Math.pow(mixed.get(array)[index] - reference.get(array)[index], 2);
                    norm += Math.pow(reference.get(array)[index], 2);
                }
            }
            double relative = Math.sqrt(difference / norm);
            // bfloat16 keeps 8 bits of mantissa (relative rounding 2^-9 ≈ 2e-3 per product); measured 3e-3 on the tiny
            // ViT
            assertTrue(relative > 0 && relative < 3e-2, "relative gradient difference " + relative);
            assertEquals(
                    DataType.FLOAT32,
                    backbone.getParameters()
                            .get(0)
                            .getValue()
                            .getArray()
                            .getGradient()
                            .getDataType(),
                    "master weights and their gradients stay float32");
        }
    }

    /** Every backbone parameter's gradient of mean(classToken²) + mean(patchTokens²). */
    private static List<float[]> gradients(NDManager manager, VisionTransformer backbone, NDArray images) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray input = images.duplicate();
            input.attach(step);
            NDList features = backbone.forward(new ParameterStore(step, false), new NDList(input), true);
            collector.backward(
                    features.get(0).square().mean().add(features.get(1).square().mean()));
            List<float[]> gradients = new ArrayList<>();
            backbone.getParameters().values().forEach(parameter -> {
                NDArray gradient = parameter.getArray().getGradient();
                gradients.add(gradient.toFloatArray());
                gradient.subi(gradient);
            });
            return gradients;
        }
    }
}
