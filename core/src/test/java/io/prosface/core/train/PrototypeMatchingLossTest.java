package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrototypeMatchingLossTest {

    private static final double TOLERANCE = 1e-5;
    /** τ_t = τ_s = 0.1 keeps the hand-computed numbers readable. */
    private static final TeacherTemperatureSchedule TAU_01 = TeacherTemperatureSchedule.constant(0.1);

    private NDManager manager;

    @BeforeEach
    void createManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void onePairIsTheCrossEntropyOfTheTwoSoftmaxes() {
        // one global view seen by the teacher, the student sees it and one local view: the only pair is
        // (teacher view 0, student view 1), since a view is never its own target
        double[] teacher = {0.5, 0.1, -0.2};
        double[] studentGlobal = {0.9, -0.9, 0.0}; // paired with nothing: must not matter
        double[] studentLocal = {0.2, 0.4, -0.1};
        // p_t = softmax([5, 1, -2]) = (0.98110, 0.01797, 0.00090), log p_s = log_softmax([2, 4, -1])
        // = (-2.12858, -0.12858, -5.12858); H = 0.98110 * 2.12858 + 0.01797 * 0.12858 + 0.00090 * 5.12858 = 2.09959
        double expected = crossEntropy(teacher, studentLocal, 0.1, 0.1);
        assertEquals(2.09959, expected, 1e-5);
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(3, TAU_01)) {
            NDArray value = loss.loss(List.of(rows(teacher)), List.of(rows(studentGlobal), rows(studentLocal)), 0);
            assertEquals(expected, value.getFloat(), TOLERANCE);
        }
    }

    @Test
    void twoGlobalViewsAverageFourPairs() {
        double[] teacher0 = {0.5, 0.1, -0.2};
        double[] teacher1 = {-0.3, 0.6, 0.0};
        double[] student0 = {0.1, 0.0, 0.3};
        double[] student1 = {0.2, 0.4, -0.1};
        double[] student2 = {0.4, -0.2, 0.1};
        // pairs (t0, s1), (t0, s2), (t1, s0), (t1, s2): (t0, s0) and (t1, s1) are the same view; mean = 2.86653
        double expected = (crossEntropy(teacher0, student1, 0.1, 0.1)
                        + crossEntropy(teacher0, student2, 0.1, 0.1)
                        + crossEntropy(teacher1, student0, 0.1, 0.1)
                        + crossEntropy(teacher1, student2, 0.1, 0.1))
                / 4;
        assertEquals(2.86653, expected, 1e-5);
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(3, TAU_01)) {
            NDArray value = loss.loss(
                    List.of(rows(teacher0), rows(teacher1)),
                    List.of(rows(student0), rows(student1), rows(student2)),
                    0);
            assertEquals(expected, value.getFloat(), TOLERANCE);
        }
    }

    @Test
    void batchIsAveragedAndTemperaturesFollowTheirSchedule() {
        double[] teacherA = {0.5, 0.1, -0.2};
        double[] teacherB = {0.0, 0.2, 0.1};
        double[] studentA = {0.2, 0.4, -0.1};
        double[] studentB = {-0.1, 0.3, 0.3};
        TeacherTemperatureSchedule schedule = TeacherTemperatureSchedule.dino(2); // 0.04, 0.055, then 0.07
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(3, schedule)) {
            for (int epoch : new int[] {0, 1, 5}) {
                double tau = schedule.at(epoch);
                double expected =
                        (crossEntropy(teacherA, studentA, tau, 0.1) + crossEntropy(teacherB, studentB, tau, 0.1)) / 2;
                NDArray value = loss.loss(
                        List.of(rows(teacherA, teacherB)),
                        List.of(rows(teacherA, teacherB), rows(studentA, studentB)),
                        epoch);
                assertEquals(expected, value.getFloat(), TOLERANCE, "epoch " + epoch + ", tau_t " + tau);
            }
            assertEquals(0.055, loss.teacherTemperature(1), 1e-12);
        }
    }

    @Test
    void centreIsAnEmaOfTheTeacherBatchMeanAppliedAfterTheLoss() {
        double[] teacher0 = {0.5, 0.1, -0.2};
        double[] teacher1 = {-0.3, 0.6, 0.0};
        double[] student0 = {0.1, 0.0, 0.3};
        double[] student1 = {0.2, 0.4, -0.1};
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(3, TAU_01)) {
            List<NDArray> teacher = List.of(rows(teacher0), rows(teacher1));
            List<NDArray> student = List.of(rows(student0), rows(student1));
            // the first call uses c = 0, then c <- 0.9 * 0 + 0.1 * mean = 0.1 * (0.1, 0.35, -0.1)
            PrototypeMatchingLoss.Output first = loss.forward(teacher, student, 0);
            double uncentred =
                    (crossEntropy(teacher0, student1, 0.1, 0.1) + crossEntropy(teacher1, student0, 0.1, 0.1)) / 2;
            assertEquals(uncentred, first.loss().getFloat(), TOLERANCE, "the centre changes after the loss");
            assertArrayEquals(new float[] {0.01f, 0.035f, -0.01f}, loss.centerValues(), 1e-7f);

            // the second call subtracts that centre, then c <- 0.9 c + 0.1 mean = (0.019, 0.0665, -0.019)
            double[] center = {0.01, 0.035, -0.01};
            double centred = (crossEntropy(minus(teacher0, center), student1, 0.1, 0.1)
                            + crossEntropy(minus(teacher1, center), student0, 0.1, 0.1))
                    / 2;
            assertEquals(centred, loss.forward(teacher, student, 0).loss().getFloat(), TOLERANCE);
            assertArrayEquals(new float[] {0.019f, 0.0665f, -0.019f}, loss.centerValues(), 1e-7f);
        }
    }

    @Test
    void noGradientFlowsIntoTheTeacher() {
        NDArray teacher = rows(new double[] {0.5, 0.1, -0.2});
        NDArray student0 = rows(new double[] {0.1, 0.0, 0.3});
        NDArray student1 = rows(new double[] {0.2, 0.4, -0.1});
        teacher.setRequiresGradient(true);
        student1.setRequiresGradient(true);
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(3, TAU_01);
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(loss.loss(List.of(teacher), List.of(student0, student1), 0));
        }
        assertArrayEquals(new float[3], teacher.getGradient().toFloatArray(), "teacher is a target only");
        float[] studentGradient = student1.getGradient().toFloatArray();
        // d loss / d s = (softmax(s / τ_s) - p_t) / τ_s, whose entries sum to 0
        assertTrue(Math.abs(studentGradient[0]) > 1e-3, "the student is trained");
        assertEquals(0.0, studentGradient[0] + studentGradient[1] + studentGradient[2], 1e-5);
    }

    @Test
    void statisticsSeeBothCollapseModes() {
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(4, TeacherTemperatureSchedule.constant(0.04))) {
            // identical similarities for every prototype: a uniform teacher, entropy log K
            double[] flat = {0.3, 0.3, 0.3, 0.3};
            TeacherStatistics uniform = loss.statistics(List.of(rows(flat, flat)), 0);
            assertEquals(Math.log(4), uniform.entropy(), 1e-5);
            assertEquals(Math.log(4), uniform.maxEntropy(), 1e-12);
            assertEquals(4.0, uniform.perplexity(), 1e-4);

            // every image on prototype 1 with a wide margin: entropy ~ 0, one prototype in use
            double[] peaked = {-1, 1, -1, -1};
            TeacherStatistics collapsed = loss.statistics(List.of(rows(peaked, peaked)), 0);
            assertTrue(collapsed.entropy() < 1e-6, "entropy " + collapsed.entropy());
            assertEquals(1, collapsed.distinctPrototypes());
            assertEquals(1.0, collapsed.perplexity(), 1e-4);

            // confident and diverse: one prototype per image, all four in use
            TeacherStatistics healthy = loss.statistics(
                    List.of(
                            rows(new double[] {1, -1, -1, -1}, new double[] {-1, 1, -1, -1}),
                            rows(new double[] {-1, -1, 1, -1}, new double[] {-1, -1, -1, 1})),
                    0);
            assertTrue(healthy.entropy() < 1e-6);
            assertEquals(4, healthy.distinctPrototypes());
            assertEquals(4.0, healthy.perplexity(), 1e-3);
        }
    }

    @Test
    void leavesNothingInTheCallersManager() {
        int before = manager.getManagedArrays().size();
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(3, TAU_01)) {
            for (int step = 0; step < 5; step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray teacher =
                            stepManager.create(new float[] {0.5f, 0.1f, -0.2f}).reshape(1, 3);
                    NDArray student =
                            stepManager.create(new float[] {0.2f, 0.4f, -0.1f}).reshape(1, 3);
                    loss.forward(List.of(teacher), List.of(teacher, student), step);
                }
            }
        }
        assertEquals(before, manager.getManagedArrays().size());
    }

    @Test
    void rejectsArraysOfTheWrongWidth() {
        try (PrototypeMatchingLoss loss = new PrototypeMatchingLoss(4, TAU_01)) {
            NDArray three = rows(new double[] {0.1, 0.2, 0.3});
            IllegalArgumentException error = assertThrows(
                    IllegalArgumentException.class, () -> loss.loss(List.of(three), List.of(three, three), 0));
            assertTrue(error.getMessage().contains("(B, K)"), error.getMessage());
        }
    }

    /** A (rows, K) float array. */
    private NDArray rows(double[]... values) {
        float[][] data = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            data[i] = new float[values[i].length];
            for (int k = 0; k < values[i].length; k++) {
                data[i][k] = (float) values[i][k];
            }
        }
        return manager.create(data);
    }

    /** -sum_k softmax(t / τ_t)_k * log_softmax(s / τ_s)_k, in plain Java. */
    static double crossEntropy(double[] teacher, double[] student, double teacherTau, double studentTau) {
        double[] target = softmax(scale(teacher, 1 / teacherTau));
        double[] logits = scale(student, 1 / studentTau);
        double logNormaliser = Math.log(sum(exp(logits)));
        double result = 0;
        for (int k = 0; k < target.length; k++) {
            result -= target[k] * (logits[k] - logNormaliser);
        }
        return result;
    }

    private static double[] softmax(double[] logits) {
        double[] exp = exp(logits);
        double total = sum(exp);
        for (int k = 0; k < exp.length; k++) {
            exp[k] /= total;
        }
        return exp;
    }

    private static double[] exp(double[] values) {
        double[] result = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            result[k] = Math.exp(values[k]);
        }
        return result;
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double value : values) {
            total += value;
        }
        return total;
    }

    private static double[] scale(double[] values, double factor) {
        double[] result = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            result[k] = values[k] * factor;
        }
        return result;
    }

    private static double[] minus(double[] values, double[] offset) {
        double[] result = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            result[k] = values[k] - offset[k];
        }
        return result;
    }
}
