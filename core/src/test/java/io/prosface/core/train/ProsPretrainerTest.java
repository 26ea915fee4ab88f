package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.prosface.core.train.StandInStudents.StudentSpec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One ProS step at a time on a tiny convolutional student: what runs where, what changes, what is freed. */
class ProsPretrainerTest {

    private static final int PROTOTYPES = 8;
    private static final int BATCH = 4;
    private static final String PROTOTYPE_WEIGHTS = "01inner_09CosinePrototypes_prototypes";

    private final StudentSpec spec = StandInStudents.convolutional(32);
    private NDManager manager;
    private RecordingBlock student;
    private RecordingBlock teacher;
    private ScheduledAdamW optimizer;
    private PrototypeMatchingLoss loss;
    private ProsPretrainer pretrainer;
    private ShapeImages images;
    /** 2 steps per epoch: steps 0 and 1 are the first epoch, when the prototypes stay frozen. */
    private final ProsSchedule schedule = new ProsSchedule(2, 3, 1e-2, 1e-4, 1, 0.04, 0.4, 0.9, 1.0);

    @BeforeEach
    void createPretrainer() {
        manager = NDManager.newBaseManager();
        student = new RecordingBlock(spec.factory().apply(PROTOTYPES));
        teacher = new RecordingBlock(spec.factory().apply(PROTOTYPES));
        for (Block block : List.of(student, teacher)) {
            block.initialize(
                    manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3, 16, 16));
        }
        optimizer = new ScheduledAdamW();
        loss = new PrototypeMatchingLoss(PROTOTYPES, TeacherTemperatureSchedule.dino(2));
        pretrainer = new ProsPretrainer(
                new EmaTeacher(student, teacher),
                loss,
                optimizer,
                schedule,
                ProsPretrainer.Settings.dino(name -> name.endsWith("prototypes")));
        images = new ShapeImages(3, 16);
    }

    @AfterEach
    void close() {
        pretrainer.close();
        manager.close();
    }

    @Test
    void teacherSeesOnlyTheGlobalViewsInEvaluationModeAndTheStudentSeesAllInTraining() {
        step(0);
        // consecutive views of one size run as one batch: 2 global views of 4 images -> 8 images
        assertEquals(List.of("eval (8, 3, 16, 16)"), teacher.calls);
        assertEquals(List.of("train (8, 3, 16, 16)", "train (8, 3, 8, 8)"), student.calls);
        for (Pair<String, Parameter> entry : teacher.getParameters()) {
            assertFalse(entry.getValue().getArray().hasGradient(), entry.getKey() + " must not collect gradients");
        }
    }

    @Test
    void metricsReportTheScheduledValuesAndAHealthyTeacher() {
        StepMetrics metrics = step(3);
        assertEquals(3, metrics.step());
        assertEquals(1, metrics.epoch());
        assertEquals(schedule.learningRate(3), metrics.learningRate(), 0.0);
        assertEquals(schedule.weightDecay(3), metrics.weightDecay(), 0.0);
        assertEquals(schedule.teacherMomentum(3), metrics.teacherMomentum(), 0.0);
        assertEquals(0.055, metrics.teacherTemperature(), 1e-12);
        assertTrue(Double.isFinite(metrics.loss()) && metrics.loss() > 0, metrics.toString());
        assertEquals(Math.log(PROTOTYPES), metrics.maxEntropy(), 1e-12);
        assertTrue(metrics.teacherEntropy() > 0 && metrics.teacherEntropy() <= metrics.maxEntropy() + 1e-6);
        assertTrue(metrics.prototypeUsage() >= 1 && metrics.prototypeUsage() <= PROTOTYPES);
        assertTrue(metrics.gradientNorm() > 0);
        assertEquals(metrics.loss() - metrics.teacherEntropy(), metrics.distillationGap(), 1e-12);
    }

    @Test
    void prototypesStayFrozenDuringTheFirstEpochOnly() {
        float[] prototypes = values(student, PROTOTYPE_WEIGHTS);
        float[] firstConvolution = values(student, student.getParameters().keyAt(0));
        step(0);
        step(1);
        assertArrayEquals(prototypes, values(student, PROTOTYPE_WEIGHTS), "epoch 0: frozen");
        assertFalse(
                java.util.Arrays.equals(
                        firstConvolution,
                        values(student, student.getParameters().keyAt(0))),
                "the rest of the student trains from the first step");
        assertEquals(0, optimizer.steps(PROTOTYPE_WEIGHTS));
        step(2);
        assertFalse(java.util.Arrays.equals(prototypes, values(student, PROTOTYPE_WEIGHTS)), "epoch 1: trained");
    }

    @Test
    void teacherBecomesTheScheduledMovingAverageOfTheUpdatedStudent() {
        step(0);
        String name = student.getParameters().keyAt(0);
        float[] teacherBefore = values(teacher, name);
        double momentum = schedule.teacherMomentum(1);
        step(1);
        float[] studentAfter = values(student, name);
        float[] expected = new float[teacherBefore.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) (momentum * teacherBefore[i] + (1 - momentum) * studentAfter[i]);
        }
        assertArrayEquals(expected, values(teacher, name), 1e-6f);
    }

    @Test
    void stepsFreeEverythingTheyAllocateAndLeaveTheViewsIntact() {
        // RecordingBlock leaks one parameter-derived array per forward on purpose: the step must free it too
        step(0); // the first steps create the optimizer moments (the prototypes' only from epoch 1) and the centre
        step(1);
        step(2);
        int after = manager.getManagedArrays().size();
        for (int step = 3; step < 6; step++) {
            try (NDManager batch = manager.newSubManager()) {
                List<NDArray> views = images.multiCrop(batch, BATCH, 2, 2);
                float[] first = views.get(0).toFloatArray();
                pretrainer.step(views, step);
                assertSame(batch, views.get(0).getManager(), "views go back to the caller's manager");
                assertArrayEquals(first, views.get(0).toFloatArray(), "views are not modified");
                assertEquals(
                        views.size(),
                        batch.getManagedArrays().size(),
                        "nothing of the step is left in the batch manager");
            }
            assertEquals(after, manager.getManagedArrays().size(), "step " + step);
        }
    }

    @Test
    void nonFiniteLossStopsTheRunBeforeAnyWeightChanges() {
        step(0);
        float[] studentWeights = values(student, student.getParameters().keyAt(0));
        float[] teacherWeights = values(teacher, student.getParameters().keyAt(0));
        float[] center = loss.centerValues();
        try (NDManager batch = manager.newSubManager()) {
            List<NDArray> views = images.multiCrop(batch, BATCH, 2, 2);
            views.get(2).set(new NDIndex("0, 0, 0, 0"), Float.NaN);
            NonFiniteLossException error = assertThrows(NonFiniteLossException.class, () -> pretrainer.step(views, 7));
            assertEquals(7, error.step());
            assertTrue(
                    error.getMessage().contains("step 7") && error.getMessage().contains("NaN"), error.getMessage());
        }
        assertArrayEquals(
                studentWeights, values(student, student.getParameters().keyAt(0)));
        assertArrayEquals(
                teacherWeights, values(teacher, student.getParameters().keyAt(0)));
        assertArrayEquals(center, loss.centerValues());
        step(1); // and training can go on from the previous weights
    }

    @Test
    void rejectsMisconfiguration() {
        try (NDManager batch = manager.newSubManager()) {
            List<NDArray> onlyGlobal = images.multiCrop(batch, BATCH, 2, 0);
            assertThrows(IllegalArgumentException.class, () -> pretrainer.step(onlyGlobal, 0));
        }
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class,
                () -> new ProsPretrainer(
                        pretrainer.networks(),
                        loss,
                        optimizer,
                        schedule,
                        ProsPretrainer.Settings.dino(name -> name.endsWith("lastLayer"))));
        assertTrue(error.getMessage().contains(PROTOTYPE_WEIGHTS), "lists the real names: " + error.getMessage());
    }

    private StepMetrics step(long step) {
        try (NDManager batch = manager.newSubManager()) {
            return pretrainer.step(images.multiCrop(batch, BATCH, 2, 2), step);
        }
    }

    private static float[] values(Block block, String name) {
        return block.getParameters().get(name).getArray().toFloatArray();
    }
}
