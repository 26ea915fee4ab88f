package io.prosface.server.inference.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.onnx.OnnxExporter;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.inference.TailBatchTest;
import io.prosface.server.inference.engine.FaceBatchProcessor;
import io.prosface.server.inference.engine.FaceInput;
import io.prosface.server.inference.engine.FaceOutputs;
import io.prosface.server.inference.engine.TaskOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pros.inference.precision: the ONNX Runtime backbone serves the same batch as the DJL one (exactly with float32
 * weights, closely with int8) for every task, including heads with their own last blocks of two lengths.
 */
class BackbonePrecisionTest {

    @Test
    void onnxBackboneServesTheBatchLikeDjl(@TempDir Path temporary) throws Exception {
        new TestCheckpoint().start();
        try (ModelRegistry registry = new CheckpointModelLoader().load(TestCheckpoint.DIRECTORY, Device.cpu());
                NDManager building = NDManager.newBaseManager()) {
            VisionTransformer backbone = registry.backbone();
            LoadedHead one = TailBatchTest.publish(registry, backbone, 1, temporary, building);
            LoadedHead two = TailBatchTest.publish(registry, backbone, 2, temporary, building);
            List<FaceInput> inputs = inputs(registry, List.of(one, two));

            List<FaceOutputs> reference;
            try (FaceBatchProcessor djl = new FaceBatchProcessor(registry, Device.cpu())) {
                reference = djl.process(inputs);
            }
            byte[] float32 = OnnxExporter.exportBackbone(backbone, OnnxExporter.Weights.FLOAT32)
                    .bytes();
            try (FaceBatchProcessor onnx = new FaceBatchProcessor(
                    registry, Device.cpu(), new OnnxBackboneRunner(float32, backbone.config(), 1))) {
                compare(reference, onnx.process(inputs), 1e-4f);
            }
            BackbonePrecision int8 = BackbonePrecision.of(InferenceConfig.Precision.INT8, registry, Device.cpu(), 2);
            assertTrue(int8.description().startsWith("int8 (ONNX Runtime 1.22"), int8.description());
            try (FaceBatchProcessor onnx = new FaceBatchProcessor(
                    registry, Device.cpu(), int8.runners().get())) {
                // a random micro model: only "close" is meaningful here; export-onnx --verify measures the served one
                compare(reference, onnx.process(inputs), 0.05f);
            }
            BackbonePrecision fp32 = BackbonePrecision.of(InferenceConfig.Precision.FP32, registry, Device.cpu(), 1);
            assertTrue(fp32.runners().get() instanceof DjlBackboneRunner, fp32.description());
        }
    }

    /** Faces asking every task of the checkpoint's heads, and some asking a tailed expression head instead. */
    private static List<FaceInput> inputs(ModelRegistry registry, List<LoadedHead> tailed) {
        int pixels = 3
                * registry.preprocessing().imageSize()
                * registry.preprocessing().imageSize();
        Map<FaceTask, LoadedHead> builtIn = new java.util.EnumMap<>(FaceTask.class);
        for (FaceTask task : FaceTask.values()) {
            if (task != FaceTask.EMBEDDING && registry.hasHeadFor(task)) {
                builtIn.put(task, registry.resolve(task, null));
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        List<FaceInput> inputs = new ArrayList<>();
        for (int face = 0; face < 6; face++) {
            float[] image = new float[pixels];
            for (int index = 0; index < pixels; index++) {
                image[index] = (float) random.nextGaussian();
            }
            inputs.add(
                    face % 3 == 2
                            ? new FaceInput(
                                    image,
                                    EnumSet.of(FaceTask.EXPRESSION),
                                    Map.of(FaceTask.EXPRESSION, tailed.get(face % 2)))
                            : new FaceInput(image, EnumSet.allOf(FaceTask.class), builtIn));
        }
        return inputs;
    }

    private static void compare(List<FaceOutputs> expected, List<FaceOutputs> actual, float tolerance) {
        assertEquals(expected.size(), actual.size());
        for (int face = 0; face < expected.size(); face++) {
            Map<FaceTask, TaskOutput> want = expected.get(face).outputs();
            Map<FaceTask, TaskOutput> got = actual.get(face).outputs();
            assertEquals(want.keySet(), got.keySet(), "face " + face);
            for (FaceTask task : want.keySet()) {
                assertEquals(want.get(task).head(), got.get(task).head());
                assertArrayEquals(
                        want.get(task).values(), got.get(task).values(), tolerance, "face " + face + ", " + task);
            }
        }
    }
}
