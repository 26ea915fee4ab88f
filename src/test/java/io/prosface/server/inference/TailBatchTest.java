package io.prosface.server.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadArtifact;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.inference.engine.FaceBatchProcessor;
import io.prosface.server.inference.engine.FaceInput;
import io.prosface.server.inference.engine.FaceOutputs;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.CheckpointModelLoader;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch that mixes heads with tails of different lengths and heads on the plain backbone output answers every face
 * exactly as if it had been alone: the shared prefix keeps the right token states, and each tail sees only its rows.
 */
public class TailBatchTest {

    @Test
    void mixedBatchesAnswerEachFaceAsIfItWereAlone(@TempDir Path temporary) throws Exception {
        new TestCheckpoint().start();
        try (ModelRegistry registry = new CheckpointModelLoader().load(TestCheckpoint.DIRECTORY, Device.cpu());
                NDManager building = NDManager.newBaseManager()) {
            VisionTransformer backbone = registry.backbone();
            LoadedHead one = publish(registry, backbone, 1, temporary, building);
            LoadedHead two = publish(registry, backbone, 2, temporary, building);
            LoadedHead plain = publish(registry, backbone, 0, temporary, building);
            int pixels = 3
                    * registry.preprocessing().imageSize()
                    * registry.preprocessing().imageSize();
            SplittableRandom random = new SplittableRandom(1);
            List<FaceInput> inputs = new ArrayList<>();
            for (LoadedHead head : List.of(one, plain, two, one, two)) {
                float[] image = new float[pixels];
                for (int i = 0; i < pixels; i++) {
                    image[i] = (float) random.nextGaussian();
                }
                Set<FaceTask> tasks =
                        head == plain ? Set.of(FaceTask.EXPRESSION, FaceTask.EMBEDDING) : Set.of(FaceTask.EXPRESSION);
                inputs.add(new FaceInput(image, tasks, Map.of(FaceTask.EXPRESSION, head)));
            }
            try (FaceBatchProcessor processor = new FaceBatchProcessor(registry, Device.cpu())) {
                List<FaceOutputs> together = processor.process(inputs);
                for (int index = 0; index < inputs.size(); index++) {
                    FaceOutputs alone =
                            processor.process(List.of(inputs.get(index))).get(0);
                    assertEquals(
                            alone.outputs().keySet(),
                            together.get(index).outputs().keySet());
                    for (FaceTask task : alone.outputs().keySet()) {
                        TaskOutput expected = alone.outputs().get(task);
                        assertEquals(
                                expected.head(),
                                together.get(index).outputs().get(task).head());
                        assertArrayEquals(
                                expected.values(),
                                together.get(index).outputs().get(task).values(),
                                1e-5f,
                                "face " + index + ", " + task);
                    }
                }
                // the tails are not the backbone's blocks: the same face gets other answers from each head
                FaceInput first = inputs.get(0);
                float[] byOne =
                        together.get(0).outputs().get(FaceTask.EXPRESSION).values();
                float[] byPlain = processor
                        .process(List.of(
                                new FaceInput(first.pixels(), first.tasks(), Map.of(FaceTask.EXPRESSION, plain))))
                        .get(0)
                        .outputs()
                        .get(FaceTask.EXPRESSION)
                        .values();
                assertFalse(java.util.Arrays.equals(byOne, byPlain));
            }
        }
    }

    /** A classification head (with a perturbed tail of k blocks unless k = 0) published into the registry. */
    public static LoadedHead publish(
            ModelRegistry registry, VisionTransformer backbone, int blocks, Path temporary, NDManager manager)
            throws Exception {
        String name = "probe" + blocks;
        HeadConfig config = new HeadConfig(name, 1, HeadKind.CLASSIFICATION, List.of("a", "b", "c"));
        TaskHead head = config.newHead();
        head.initializeParameters(
                manager, backbone.config().embedDim(), backbone.config().numPatches());
        BackboneTail tail = null;
        if (blocks > 0) {
            tail = BackboneTail.copyOf(backbone, blocks, manager);
            tail.freezeParameters(true);
            tail.getParameters()
                    .values()
                    .forEach(parameter -> parameter
                            .getArray()
                            .addi(manager.randomNormal(
                                    0f,
                                    0.05f,
                                    parameter.getArray().getShape(),
                                    parameter.getArray().getDataType())));
        }
        Path directory = temporary.resolve(name);
        HeadArtifact.save(directory, config, head, tail, backbone.config(), registry.backboneSha256());
        return registry.addVersion(directory, true);
    }
}
