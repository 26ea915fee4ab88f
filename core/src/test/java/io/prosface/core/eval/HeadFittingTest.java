package io.prosface.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HeadFitting} with a frozen backbone and with a trained tail: metrics are reported as asked, in the targets'
 * units, and the head that comes back (both scalings folded in) reads raw backbone outputs and gives the same
 * answers as the head saw during training on standardised inputs.
 */
class HeadFittingTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void foldedRegressionHeadAnswersInTheTargetsUnitsOnRawFeatures(int unfrozenBlocks) {
        VisionTransformerConfig micro = VisionTransformerConfig.variant("vit_micro_patch8_32");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            VisionTransformer backbone = new VisionTransformer(micro);
            backbone.initializeParameters(manager);
            backbone.freezeParameters(true);
            HeadFitting.Samples train = samples(micro, 16, 5);
            HeadFitting.Samples validation = samples(micro, 6, 7);
            HeadFitting.Task task =
                    new HeadFitting.Task(HeadKind.REGRESSION, List.of("age"), micro.imageSize(), train, validation);
            int[] cached = {0};
            int[] reports = {0};
            HeadFitting.Listener listener = new HeadFitting.Listener() {
                @Override
                public void cached(int done, int total) {
                    cached[0] = done;
                    assertEquals(22, total);
                }

                @Override
                public void report(
                        long step,
                        long steps,
                        java.util.Map<String, Double> trainMetrics,
                        java.util.Map<String, Double> validationMetrics) {
                    reports[0]++;
                }
            };
            // 16 images, batch 4: 4 steps per epoch, 10 epochs = 40 steps; a report every 8th step
            HeadFitting.Fitted fitted = HeadFitting.cache(backbone, unfrozenBlocks, task, 4, listener, manager)
                    .train(new HeadTrainer.Settings(10, 0, 4, 1e-2, 1e-4, 0.1, 1), 5, listener, manager);

            assertEquals(22, cached[0]);
            assertEquals(5, reports[0]);
            assertEquals(List.of("mae", "rmse"), List.copyOf(fitted.validation().keySet()));
            // ages 20 or 60: a head answering in z-scores would be about 40 years off
            assertTrue(fitted.train().get("mae") < 20, fitted.train().toString());
            if (unfrozenBlocks == 0) {
                assertNull(fitted.tail());
            } else {
                assertEquals(unfrozenBlocks, fitted.tail().blockCount());
            }
            List<float[]> raw = rawOutputs(backbone, fitted, unfrozenBlocks, validation.pixels(), manager);
            for (int i = 0; i < raw.size(); i++) {
                assertEquals(
                        fitted.validationOutputs().get(i)[0],
                        raw.get(i)[0],
                        1e-2,
                        "image " + i + ": the folded head on raw features");
            }
        }
    }

    /** Two kinds of images that differ in brightness, aged 20 and 60. */
    private static HeadFitting.Samples samples(VisionTransformerConfig micro, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> pixels = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        for (int image = 0; image < count; image++) {
            float[] values = new float[3 * micro.imageSize() * micro.imageSize()];
            float shift = image % 2 == 0 ? -1f : 1f;
            for (int i = 0; i < values.length; i++) {
                values[i] = shift + (float) random.nextGaussian();
            }
            pixels.add(values);
            targets.add(new float[] {image % 2 == 0 ? 20 : 60});
        }
        return new HeadFitting.Samples(pixels, targets);
    }

    /** The fitted head (after its tail) on the backbone's raw outputs, as serving runs it. */
    private static List<float[]> rawOutputs(
            VisionTransformer backbone,
            HeadFitting.Fitted fitted,
            int unfrozenBlocks,
            List<float[]> pixels,
            NDManager manager) {
        int size = backbone.config().imageSize();
        List<Integer> all = IntStream.range(0, pixels.size()).boxed().toList();
        List<float[]> outputs = new ArrayList<>();
        try (NDManager batch = manager.newSubManager()) {
            NDList features = unfrozenBlocks == 0
                    ? FeatureExtractor.extract(backbone, pixels, size, 8, batch).batch(batch, all)
                    : fitted.tail()
                            .forward(
                                    new ParameterStore(batch, false),
                                    new NDList(FeatureExtractor.extractTokens(
                                                    backbone,
                                                    backbone.config().depth() - unfrozenBlocks,
                                                    pixels,
                                                    size,
                                                    8,
                                                    batch)
                                            .batch(batch, all)),
                                    false);
            CachedHeadModel.appendRows(
                    fitted.head()
                            .forward(new ParameterStore(batch, false), features, false)
                            .head(),
                    outputs);
        }
        return outputs;
    }
}
