package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {

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
    void attributeAccuracyThresholdsTheSigmoidAtOneHalf() {
        // logit > 0 <=> sigmoid > 0.5: predictions (1, 0, 1) and (0, 1, 0), hits (1, 1, 0) and (1, 1, 1)
        NDArray logits = manager.create(new float[][] {{2, -1, 0.5f}, {-3, 1, -0.2f}});
        NDArray targets = manager.create(new float[][] {{1, 0, 0}, {0, 1, 0}});
        assertEquals(5.0 / 6, TaskMetrics.attributeAccuracy(logits, targets), 1e-6);
        assertArrayEquals(new float[] {1, 1, 0.5f}, TaskMetrics.perAttributeAccuracy(logits, targets), 1e-6f);
    }

    @Test
    void topOneAccuracy() {
        NDArray logits = manager.create(new float[][] {{0.1f, 0.9f}, {0.8f, 0.2f}, {0.3f, 0.7f}});
        NDArray labels = manager.create(new long[] {1, 1, 1});
        assertEquals(2.0 / 3, TaskMetrics.accuracy(logits, labels), 1e-6);
    }

    @Test
    void normalisedMeanErrorDividesByTheOuterEyeCornerDistance() {
        // true landmarks: every point at (0.5, 0.5) except the outer eye corners 36 (0.3, 0.4) and 45 (0.7, 0.4):
        // inter-ocular distance 0.4
        float[] truth = new float[68 * 2];
        for (int point = 0; point < 68; point++) {
            truth[2 * point] = 0.5f;
            truth[2 * point + 1] = 0.5f;
        }
        truth[2 * 36] = 0.3f;
        truth[2 * 36 + 1] = 0.4f;
        truth[2 * 45] = 0.7f;
        truth[2 * 45 + 1] = 0.4f;
        // image 0 is predicted 0.02 to the right everywhere: NME = 0.02 / 0.4 = 0.05; image 1 exactly: NME = 0
        float[] predicted = new float[2 * 68 * 2];
        for (int i = 0; i < truth.length; i++) {
            predicted[i] = truth[i] + (i % 2 == 0 ? 0.02f : 0f);
            predicted[truth.length + i] = truth[i];
        }
        float[] bothTruths = new float[2 * truth.length];
        System.arraycopy(truth, 0, bothTruths, 0, truth.length);
        System.arraycopy(truth, 0, bothTruths, truth.length, truth.length);
        NDArray predictedArray = manager.create(predicted, new Shape(2, 68, 2));
        NDArray targetArray = manager.create(bothTruths, new Shape(2, 68, 2));

        float[] errors = TaskMetrics.normalisedMeanErrors(predictedArray, targetArray);
        assertArrayEquals(new float[] {0.05f, 0f}, errors, 1e-5f);
        assertEquals(0.025, TaskMetrics.normalisedMeanError(predictedArray, targetArray), 1e-5);
        assertEquals(0.5, TaskMetrics.failureRate(errors, 0.04), 0.0);
    }

    @Test
    void regressionMetrics() {
        NDArray predicted = manager.create(new float[] {1, 2, 3});
        NDArray target = manager.create(new float[] {2, 2, 5});
        assertEquals(1.0, TaskMetrics.meanAbsoluteError(predicted, target), 1e-6);
        assertEquals(5.0 / 3, TaskMetrics.meanSquaredError(predicted, target), 1e-6);
    }

    @Test
    void namedMetricsOfAJob() {
        // classes 0, 1, 1: predictions 1, 1, 0
        var classes = TaskMetrics.named(
                io.prosface.core.model.HeadKind.CLASSIFICATION,
                java.util.List.of(new float[] {0, 1}, new float[] {0.2f, 0.8f}, new float[] {0.9f, 0.1f}),
                java.util.List.of(new float[] {0}, new float[] {1}, new float[] {1}));
        assertEquals(java.util.List.of("accuracy", "chance"), java.util.List.copyOf(classes.keySet()));
        assertEquals(1.0 / 3, classes.get("accuracy"), 1e-9);
        assertEquals(2.0 / 3, classes.get("chance"), 1e-9);
        var regression = TaskMetrics.named(
                io.prosface.core.model.HeadKind.REGRESSION,
                java.util.List.of(new float[] {1}, new float[] {5}),
                java.util.List.of(new float[] {2}, new float[] {2}));
        assertEquals(2.0, regression.get("mae"), 1e-9);
        assertEquals(Math.sqrt(5), regression.get("rmse"), 1e-9);
        var points = TaskMetrics.named(
                io.prosface.core.model.HeadKind.LANDMARKS,
                java.util.List.of(new float[] {0.3f, 0.4f, 0, 0}),
                java.util.List.of(new float[] {0, 0, 0, 0}));
        assertEquals(0.25, points.get("mean_error"), 1e-6);
        assertTrue(
                TaskMetrics.named(io.prosface.core.model.HeadKind.MULTILABEL, java.util.List.of(), java.util.List.of())
                        .isEmpty());
    }

    @Test
    void taskMetricOfRawOutputRows() {
        double accuracy = TaskMetrics.taskMetric(
                io.prosface.core.model.HeadKind.EXPRESSION,
                java.util.List.of(new float[] {0, 1}, new float[] {0.8f, 0.2f}),
                java.util.List.of(new float[] {1}, new float[] {1}),
                manager);
        assertEquals(0.5, accuracy, 1e-6);
        double mae = TaskMetrics.taskMetric(
                io.prosface.core.model.HeadKind.REGRESSION,
                java.util.List.of(new float[] {1}, new float[] {5}),
                java.util.List.of(new float[] {2}, new float[] {2}),
                manager);
        assertEquals(2.0, mae, 1e-6);
    }
}
