package io.prosface.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Last-k-blocks training on cached prefix tokens moves the tail and the head, never the shared backbone. */
class TailTrainingTest {

    @Test
    void tailTrainingChangesOnlyTheTailAndTheHead() {
        VisionTransformerConfig micro = VisionTransformerConfig.variant("vit_micro_patch8_32");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            VisionTransformer backbone = new VisionTransformer(micro);
            backbone.initializeParameters(manager);
            backbone.freezeParameters(true);
            SplittableRandom random = new SplittableRandom(5);
            List<float[]> pixels = new ArrayList<>();
            List<float[]> targets = new ArrayList<>();
            for (int image = 0; image < 12; image++) {
                float[] values = new float[3 * micro.imageSize() * micro.imageSize()];
                float shift = image % 2 == 0 ? -1f : 1f; // two classes that differ in brightness
                for (int i = 0; i < values.length; i++) {
                    values[i] = shift + (float) random.nextGaussian();
                }
                pixels.add(values);
                targets.add(new float[] {image % 2});
            }
            CachedTokens tokens =
                    FeatureExtractor.extractTokens(backbone, micro.depth() - 1, pixels, micro.imageSize(), 8, manager);
            Map<String, float[]> backboneBefore = snapshot(backbone);
            BackboneTail tail = BackboneTail.copyOf(backbone, 1, manager);
            TaskHead head = HeadTrainer.newHead(
                    HeadKind.CLASSIFICATION, List.of("dark", "bright"), micro.embedDim(), micro.numPatches(), manager);
            Map<String, float[]> tailBefore = snapshot(tail);
            Map<String, float[]> headBefore = snapshot(head);

            HeadTrainer.Settings settings = new HeadTrainer.Settings(5, 0, 4, 1e-2, 1e-4, 0.1, 1);
            HeadTrainer.trainWithTail(
                    tail, head, tokens, targets, settings, manager, features -> features, (step, steps) -> {});

            Map<String, float[]> backboneAfter = snapshot(backbone);
            backboneBefore.forEach((name, values) ->
                    assertArrayEquals(values, backboneAfter.get(name), 0f, "the shared backbone changed: " + name));
            Map<String, float[]> tailAfter = snapshot(tail);
            tailBefore.forEach((name, values) -> assertFalse(
                    java.util.Arrays.equals(values, tailAfter.get(name)), "tail parameter did not train: " + name));
            Map<String, float[]> headAfter = snapshot(head);
            headBefore.forEach((name, values) -> assertFalse(
                    java.util.Arrays.equals(values, headAfter.get(name)), "head parameter did not train: " + name));
            assertTrue(HeadTrainer.evaluate(head, tailFeatures(tail, tokens, manager), targets, manager) >= 0.5);
        }
    }

    private static CachedFeatures tailFeatures(BackboneTail tail, CachedTokens tokens, NDManager manager) {
        int dim = tokens.embedDim();
        int patches = tokens.length() - 1;
        float[] classes = new float[tokens.count() * dim];
        float[] patchTokens = new float[tokens.count() * patches * dim];
        try (NDManager batch = manager.newSubManager()) {
            List<Integer> all =
                    java.util.stream.IntStream.range(0, tokens.count()).boxed().toList();
            var out = tail.forward(
                    new ai.djl.training.ParameterStore(batch, false),
                    new ai.djl.ndarray.NDList(tokens.batch(batch, all)),
                    false);
            System.arraycopy(out.get(0).toFloatArray(), 0, classes, 0, classes.length);
            System.arraycopy(out.get(1).toFloatArray(), 0, patchTokens, 0, patchTokens.length);
        }
        return new CachedFeatures(tokens.count(), dim, patches, classes, patchTokens);
    }

    private static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (var entry : block.getParameters()) {
            Parameter parameter = entry.getValue();
            values.put(entry.getKey(), parameter.getArray().toFloatArray());
        }
        return values;
    }
}
