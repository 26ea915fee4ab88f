package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.prosface.core.train.StandInStudents.StudentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end: a small student pretrained with ProS on generated shape images for 50 steps. The loss falls, the
 * teacher sharpens without collapsing onto one prototype and without going uniform, and several prototypes are in
 * use.
 *
 * <p>Parameterised by the student architecture: a tiny conv net, and the product's own micro ViT with a ProS head
 * (vit_micro_patch8_32); images are generated at the spec's size (global crops) and half of it (local crops). The ViT
 * needs a far smaller learning rate (1e-3 vs 2e-2): at 3e-3 and above its teacher drifts towards uniform within 50
 * steps, the same collapse mode this test guards against.
 *
 * <p>Recipe for 50 steps: the teacher momentum starts at 0.9 instead of 0.996, so the teacher's EMA time constant
 * (10 steps) fits the run as 0.996 fits a run of thousands of steps; τ_t is held at DINO's starting value 0.04 so
 * that the loss of the first and the last steps are comparable.
 */
class ProsPretrainingTest {

    private static final int PROTOTYPES = 16;
    private static final int BATCH = 16;
    private static final int STEPS = 50;
    private static final int WINDOW = 10;

    static Stream<StudentSpec> students() {
        return Stream.of(StandInStudents.convolutional(), StandInStudents.microVisionTransformer());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("students")
    void lossFallsWhileTheTeacherStaysAwayFromBothCollapses(StudentSpec spec) {
        List<StepMetrics> metrics = pretrain(spec, 11);
        List<StepMetrics> first = metrics.subList(0, WINDOW);
        List<StepMetrics> last = metrics.subList(STEPS - WINDOW, STEPS);
        double maxEntropy = Math.log(PROTOTYPES);
        String summary = String.format(
                java.util.Locale.ROOT,
                "%s: loss %.3f -> %.3f, teacher entropy %.3f -> %.3f (log K = %.3f), usage %.1f -> %.1f of %d, "
                        + "perplexity %.1f -> %.1f, KL gap %.3f -> %.3f",
                spec,
                mean(first, StepMetrics::loss),
                mean(last, StepMetrics::loss),
                mean(first, StepMetrics::teacherEntropy),
                mean(last, StepMetrics::teacherEntropy),
                maxEntropy,
                mean(first, StepMetrics::prototypeUsage),
                mean(last, StepMetrics::prototypeUsage),
                PROTOTYPES,
                mean(first, StepMetrics::prototypePerplexity),
                mean(last, StepMetrics::prototypePerplexity),
                mean(first, StepMetrics::distillationGap),
                mean(last, StepMetrics::distillationGap));
        System.out.println(summary);

        assertTrue(
                mean(last, StepMetrics::loss) < 0.9 * mean(first, StepMetrics::loss), "loss should fall: " + summary);
        double entropy = mean(last, StepMetrics::teacherEntropy);
        assertTrue(entropy > 0.1 * maxEntropy, "teacher collapsed onto few prototypes: " + summary);
        assertTrue(entropy < 0.9 * maxEntropy, "teacher went uniform: " + summary);
        assertTrue(last.stream().allMatch(step -> step.prototypeUsage() > 1), "one prototype took over: " + summary);
        assertTrue(mean(last, StepMetrics::prototypeUsage) >= 2.5, "too few prototypes in use: " + summary);
    }

    /** {@value #STEPS} ProS steps from scratch, 2 global and 2 local views per image, reproducible by seed. */
    static List<StepMetrics> pretrain(StudentSpec spec, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        List<StepMetrics> metrics = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            EmaTeacher networks = new EmaTeacher(spec.create(manager, PROTOTYPES), spec.create(manager, PROTOTYPES));
            ProsSchedule schedule = new ProsSchedule(
                    10, STEPS / 10, spec.peakLearningRate(), spec.peakLearningRate() / 50, 1, 0.04, 0.4, 0.9, 1.0);
            ShapeImages images = new ShapeImages(seed, spec.imageSize());
            try (ProsPretrainer pretrainer = new ProsPretrainer(
                    networks,
                    new PrototypeMatchingLoss(PROTOTYPES, TeacherTemperatureSchedule.constant(0.04)),
                    new ScheduledAdamW(),
                    schedule,
                    ProsPretrainer.Settings.dino(spec.lastLayer()))) {
                for (int step = 0; step < STEPS; step++) {
                    try (NDManager batch = manager.newSubManager()) {
                        metrics.add(pretrainer.step(images.multiCrop(batch, BATCH, 2, 2), step));
                    }
                }
            }
        }
        return metrics;
    }

    private static double mean(List<StepMetrics> metrics, ToDoubleFunction<StepMetrics> value) {
        return metrics.stream().mapToDouble(value).average().orElseThrow();
    }
}
