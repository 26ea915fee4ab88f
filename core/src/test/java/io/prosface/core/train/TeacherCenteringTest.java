package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TeacherCenteringTest {

    private static final TeacherTemperatureSchedule TAU_002 = TeacherTemperatureSchedule.constant(0.02);

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
    void sinkhornTargetsMatchAPlainJavaSinkhornKnopp() {
        // two global views of 3 images over 4 prototypes; the equipartition spans all 6 teacher rows
        double[][] view0 = {{0.30, 0.10, -0.20, 0.05}, {0.28, 0.12, -0.18, 0.00}, {0.10, 0.31, 0.02, -0.1}};
        double[][] view1 = {{0.25, 0.15, -0.10, 0.02}, {0.31, 0.09, -0.22, 0.01}, {0.12, 0.29, 0.00, -0.05}};
        double[][] expected = sinkhorn(concat(view0, view1), 0.02, 3);
        try (PrototypeMatchingLoss loss = sinkhornLoss(4)) {
            List<NDArray> targets = loss.teacherTargets(List.of(array(view0), array(view1)), 0);
            assertEquals(2, targets.size());
            for (int view = 0; view < 2; view++) {
                float[] values = targets.get(view).toFloatArray();
                for (int row = 0; row < 3; row++) {
                    for (int k = 0; k < 4; k++) {
                        assertEquals(
                                expected[view * 3 + row][k],
                                values[row * 4 + k],
                                1e-5,
                                "view " + view + " image " + row + " prototype " + k);
                    }
                }
            }
        }
    }

    @Test
    void nearlyIdenticalImagesStillSpreadOverThePrototypes() {
        // what a young network produces on faces that share one layout: every image prefers prototype 0 by far and
        // the images differ by a few thousandths of cosine similarity
        int images = 16;
        int prototypes = 16;
        Random random = new Random(7);
        double[][] similarities = new double[images][prototypes];
        for (double[] row : similarities) {
            for (int k = 0; k < prototypes; k++) {
                row[k] = (k == 0 ? 0.9 : 0.5) + 0.005 * random.nextGaussian();
            }
        }
        int meanUsage;
        try (PrototypeMatchingLoss mean =
                new PrototypeMatchingLoss(prototypes, TAU_002, 0.1, 0.9, TeacherCentering.MEAN)) {
            meanUsage = distinctArgMax(
                    mean.teacherTargets(List.of(array(similarities)), 0).get(0));
        }
        try (PrototypeMatchingLoss sinkhorn = sinkhornLoss(prototypes)) {
            NDArray targets =
                    sinkhorn.teacherTargets(List.of(array(similarities)), 0).get(0);
            int sinkhornUsage = distinctArgMax(targets);
            assertEquals(1, meanUsage, "DINO's fresh centre leaves every image on prototype 0");
            assertTrue(
                    sinkhornUsage >= prototypes / 2,
                    "equipartition spread 16 images over only " + sinkhornUsage + " prototypes");
            float[] rowSums = targets.sum(new int[] {1}).toFloatArray();
            for (float rowSum : rowSums) {
                assertEquals(1.0, rowSum, 1e-5, "every target is a distribution");
            }
        }
    }

    @Test
    void targetsCarryNoGradientAndStatisticsUseThem() {
        double[][] similarities = {{0.3, 0.1, -0.2}, {0.2, 0.25, 0.0}, {-0.1, 0.0, 0.4}};
        try (PrototypeMatchingLoss loss = sinkhornLoss(3)) {
            NDArray teacher = array(similarities);
            TeacherStatistics statistics = loss.statistics(List.of(teacher), 0);
            assertEquals(3, statistics.distinctPrototypes(), "three different images, three prototypes");
            assertTrue(statistics.entropy() >= 0 && statistics.entropy() <= Math.log(3));
        }
    }

    @Test
    void parsesTheRecipeWordsAndRefusesOthers() {
        assertEquals(TeacherCentering.MEAN, TeacherCentering.parse("mean"));
        assertEquals(TeacherCentering.SINKHORN_KNOPP, TeacherCentering.parse(" Sinkhorn "));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> TeacherCentering.parse("softmax"));
        assertTrue(bad.getMessage().contains("softmax"));
    }

    private static PrototypeMatchingLoss sinkhornLoss(int prototypes) {
        return new PrototypeMatchingLoss(prototypes, TAU_002, 0.1, 0.9, TeacherCentering.SINKHORN_KNOPP);
    }

    /** Reference: Q = exp(S / τ); n times: columns to equal mass, rows to one. */
    private static double[][] sinkhorn(double[][] similarities, double temperature, int iterations) {
        int rows = similarities.length;
        int columns = similarities[0].length;
        double[][] q = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < columns; k++) {
                q[i][k] = Math.exp(similarities[i][k] / temperature);
            }
        }
        for (int iteration = 0; iteration < iterations; iteration++) {
            for (int k = 0; k < columns; k++) {
                double column = 0;
                for (double[] row : q) {
                    column += row[k];
                }
                for (double[] row : q) {
                    row[k] /= column;
                }
            }
            for (double[] row : q) {
                double sum = Arrays.stream(row).sum();
                for (int k = 0; k < columns; k++) {
                    row[k] /= sum;
                }
            }
        }
        return q;
    }

    private static int distinctArgMax(NDArray probabilities) {
        return (int)
                Arrays.stream(probabilities.argMax(1).toLongArray()).distinct().count();
    }

    private static double[][] concat(double[][] first, double[][] second) {
        double[][] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private NDArray array(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < rows[i].length; k++) {
                flat[i * rows[i].length + k] = (float) rows[i][k];
            }
        }
        return manager.create(flat, new ai.djl.ndarray.types.Shape(rows.length, rows[0].length));
    }
}
