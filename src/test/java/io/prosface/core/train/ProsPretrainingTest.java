package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prosface.core.train.StandInStudents.StudentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End-to-end: a small student pretrained with ProS on generated shape images for 50 steps learns to match its
 * teacher without collapsing. Parameterised by the student architecture, so the micro ViT + ProS head can join
 * the list once it exists.
 */
class ProsPretrainingTest {

    private static final int PROTOTYPES = 16;
    private static final int BATCH = 32;
    private static final int STEPS = 50;
    private static final int STEPS_PER_EPOCH = 10;

    static Stream<StudentSpec> students() {
        return Stream.of(StandInStudents.convolutional());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("students")
    void lossDecreasesWithoutCollapse(StudentSpec spec) {
        List<StepMetrics> metrics = pretrain(spec);
        metrics.forEach(System.out::println);
        double first = meanLoss(metrics.subList(0, 5));
        double last = meanLoss(metrics.subList(STEPS - 5, STEPS));
        System.out.printf("%s: loss %.4f -> %.4f%n", spec, first, last);
        assertTrue(last < first, "loss should fall: first 5 steps " + first + ", last 5 steps " + last);
    }

    static List<StepMetrics> pretrain(StudentSpec spec) {
        List<StepMetrics> metrics = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            EmaTeacher networks = new EmaTeacher(spec.create(manager, PROTOTYPES), spec.create(manager, PROTOTYPES));
            ProsSchedule schedule = new ProsSchedule(STEPS_PER_EPOCH, STEPS / STEPS_PER_EPOCH, 5e-3, 1e-4, 1,
                    0.04, 0.4, 0.99, 1.0);
            ShapeImages images = new ShapeImages(7, spec.imageSize());
            try (ProsPretrainer pretrainer = new ProsPretrainer(networks,
                    new PrototypeMatchingLoss(PROTOTYPES, TeacherTemperatureSchedule.dino(2)), new ScheduledAdamW(),
                    schedule, ProsPretrainer.Settings.dino(spec.lastLayer()))) {
                for (int step = 0; step < STEPS; step++) {
                    try (NDManager batchManager = manager.newSubManager()) {
                        List<NDArray> views = images.multiCrop(batchManager, BATCH, 2, 4);
                        metrics.add(pretrainer.step(views, step));
                    }
                }
            }
        }
        return metrics;
    }

    private static double meanLoss(List<StepMetrics> metrics) {
        return metrics.stream().mapToDouble(StepMetrics::loss).average().orElseThrow();
    }
}
