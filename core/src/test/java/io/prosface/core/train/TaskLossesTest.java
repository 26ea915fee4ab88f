package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskLossesTest {

    private static final double TOLERANCE = 1e-6;
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
    void binaryCrossEntropyOnLogits() {
        NDArray logits = manager.create(new float[][] {{2, -1}});
        NDArray targets = manager.create(new float[][] {{1, 0}});
        // -log sigmoid(2) = log(1 + e^-2) = 0.126928; -log(1 - sigmoid(-1)) = log(1 + e^-1) = 0.313262
        double first = Math.log1p(Math.exp(-2));
        double second = Math.log1p(Math.exp(-1));
        assertEquals(
                (first + second) / 2,
                TaskLosses.binaryCrossEntropyWithLogits(logits, targets).getFloat(),
                TOLERANCE);
        // with the second label missing only the first pair counts
        NDArray mask = manager.create(new float[][] {{1, 0}});
        assertEquals(
                first,
                TaskLosses.binaryCrossEntropyWithLogits(logits, targets, mask).getFloat(),
                TOLERANCE);
        // large logits stay finite (the stable form never takes exp of a large positive number)
        NDArray extreme = manager.create(new float[][] {{100, -100}});
        assertEquals(
                100 / 2.0,
                TaskLosses.binaryCrossEntropyWithLogits(extreme, manager.create(new float[][] {{0, 0}}))
                        .getFloat(),
                1e-4);
    }

    @Test
    void binaryCrossEntropyGradientIsSigmoidMinusTarget() {
        NDArray logits = manager.create(new float[][] {{2, -1}});
        logits.setRequiresGradient(true);
        NDArray targets = manager.create(new float[][] {{1, 0}});
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(TaskLosses.binaryCrossEntropyWithLogits(logits, targets));
        }
        // (sigmoid(x) - y) / N with N = 2
        float[] expected = {(float) ((sigmoid(2) - 1) / 2), (float) (sigmoid(-1) / 2)};
        assertArrayEquals(expected, logits.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void crossEntropyWithLabelSmoothing() {
        NDArray logits = manager.create(new float[][] {{1, 2, 3}});
        NDArray labels = manager.create(new long[] {2});
        // log_softmax([1, 2, 3]) = [-2.40761, -1.40761, -0.40761]
        double logNormaliser = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double[] logProbabilities = {1 - logNormaliser, 2 - logNormaliser, 3 - logNormaliser};
        assertEquals(
                -logProbabilities[2], TaskLosses.crossEntropy(logits, labels, 0).getFloat(), TOLERANCE);
        // ε = 0.1: target (0.1/3, 0.1/3, 0.9 + 0.1/3) -> 0.50761
        double smoothed = -(0.1 / 3 * logProbabilities[0]
                + 0.1 / 3 * logProbabilities[1]
                + (0.9 + 0.1 / 3) * logProbabilities[2]);
        assertEquals(smoothed, TaskLosses.crossEntropy(logits, labels, 0.1).getFloat(), TOLERANCE);
        assertThrows(IllegalArgumentException.class, () -> TaskLosses.crossEntropy(logits, labels, 1.0));
    }

    @Test
    void landmarkL1AndSmoothL1WithMissingPoints() {
        NDArray predicted = manager.create(new float[] {0.1f, 0.2f, 0.5f, 0.5f}, new Shape(1, 2, 2));
        NDArray target = manager.create(new float[] {0.2f, 0.2f, 0.9f, 0.1f}, new Shape(1, 2, 2));
        // |d| = (0.1, 0, 0.4, 0.4): L1 over the four coordinates = 0.9 / 4
        assertEquals(
                0.225, TaskLosses.landmarkSmoothL1(predicted, target, null, 0).getFloat(), TOLERANCE);
        // second point missing: only (0.1, 0) count -> 0.05
        NDArray visible = manager.create(new float[][] {{1, 0}});
        assertEquals(
                0.05, TaskLosses.landmarkSmoothL1(predicted, target, visible, 0).getFloat(), TOLERANCE);
        // β = 0.2: 0.1 is quadratic (0.5 * 0.01 / 0.2 = 0.025), 0.4 is linear (0.4 - 0.1 = 0.3), twice
        assertEquals(
                (0.025 + 0 + 0.3 + 0.3) / 4,
                TaskLosses.landmarkSmoothL1(predicted, target, null, 0.2).getFloat(),
                TOLERANCE);
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskLosses.landmarkSmoothL1(predicted, manager.zeros(new Shape(1, 3, 2)), null, 0));
    }

    @Test
    void regressionErrors() {
        NDArray predicted = manager.create(new float[] {1, 2, 3});
        NDArray target = manager.create(new float[] {2, 2, 5});
        assertEquals(5.0 / 3, TaskLosses.meanSquaredError(predicted, target).getFloat(), TOLERANCE);
        assertEquals(1.0, TaskLosses.meanAbsoluteError(predicted, target).getFloat(), TOLERANCE);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
