package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each term of the multi-task loss counts only the faces that have its label, with its weight. */
class MultiTaskLossTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Two faces: face 0 has every label, face 1 has none (all masks and weights 0). */
    private MultiTaskLoss.Terms terms(float secondFaceOffset) {
        return terms(secondFaceOffset, new MultiTaskLoss(20, 1));
    }

    private MultiTaskLoss.Terms terms(float secondFaceOffset, MultiTaskLoss loss) {
        float o = secondFaceOffset;
        NDArray attributeLogits = manager.create(new float[] {2f, -1f, 3f + o, -5f + o}, new Shape(2, 2));
        NDArray attributeTargets = manager.create(new float[] {1f, 0f, 0f, 1f}, new Shape(2, 2));
        NDArray attributeMask = manager.create(new float[] {1f, 1f, 0f, 0f}, new Shape(2, 2));
        float[] logits = new float[14];
        logits[1] = 1f;
        logits[7 + 3] = o;
        NDArray expressionLogits = manager.create(logits, new Shape(2, 7));
        float[] soft = new float[14];
        soft[0] = 0.25f;
        soft[1] = 0.75f;
        soft[7] = 1f;
        NDArray expressionTargets = manager.create(soft, new Shape(2, 7));
        NDArray expressionWeights = manager.create(new float[] {1f, 0f});
        float[] points = new float[2 * 68 * 2];
        float[] truth = new float[2 * 68 * 2];
        for (int i = 0; i < 136; i++) {
            points[i] = 0.5f;
            truth[i] = 0.52f;
            points[136 + i] = 0.5f + o;
        }
        NDArray landmarks = manager.create(points, new Shape(2, 68, 2));
        NDArray landmarkTargets = manager.create(truth, new Shape(2, 68, 2));
        NDArray landmarkWeights = manager.create(new float[] {0.5f, 0f});
        NDArray age = manager.create(new float[] {30f, 50f + o}, new Shape(2, 1));
        NDArray ageTargets = manager.create(new float[] {40f, 10f});
        NDArray ageWeights = manager.create(new float[] {1f, 0f});
        return loss.compute(
                attributeLogits,
                attributeTargets,
                attributeMask,
                expressionLogits,
                expressionTargets,
                expressionWeights,
                landmarks,
                landmarkTargets,
                landmarkWeights,
                age,
                ageTargets,
                ageWeights);
    }

    @Test
    void termsMatchTheirDefinitionsOnTheLabelledFace() {
        MultiTaskLoss.Terms terms = terms(0);
        double bce = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))) / 2;
        assertEquals(bce, terms.attributes().getFloat(), 1e-5);
        // soft cross-entropy: -(0.25 log p0 + 0.75 log p1), logits (0, 1, 0, 0, 0, 0, 0)
        double normaliser = Math.log(6 + Math.E);
        double expression = -(0.25 * (0 - normaliser) + 0.75 * (1 - normaliser));
        assertEquals(expression, terms.expression().getFloat(), 1e-5);
        assertEquals(0.02, terms.landmarks().getFloat(), 1e-5);
        assertEquals(1.0, terms.age().getFloat(), 1e-5);
        assertEquals(bce + expression + 20 * 0.02 + 1.0, terms.total().getFloat(), 1e-4);
    }

    @Test
    void aFaceWithoutLabelsChangesNothing() {
        assertEquals(
                terms(0).total().getFloat(),
                terms(7.5f).total().getFloat(),
                1e-5,
                "face 1 has all masks and weights at 0: its predictions must not move the loss");
    }

    @Test
    void anEmphasizedAttributeCountsItsWeightInTheMean() {
        // attribute 1 ("Male") weighs 3: (bce0 + 3 bce1) / 4 over face 0's two known labels
        MultiTaskLoss loss = new MultiTaskLoss(20, 1, MultiTaskLoss.emphasizing(List.of("Smiling", "Male"), "Male", 3));
        double expected = (Math.log1p(Math.exp(-2)) + 3 * Math.log1p(Math.exp(-1))) / 4;
        assertEquals(expected, terms(0, loss).attributes().getFloat(), 1e-5);
        assertEquals(
                terms(0, loss).total().getFloat(),
                terms(7.5f, loss).total().getFloat(),
                1e-5,
                "weights scale known labels only: face 1's masked attributes still count nothing");
    }

    @Test
    void badAttributeWeightsAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> MultiTaskLoss.emphasizing(List.of("Smiling"), "Male", 3),
                "an attribute the data lacks");
        assertThrows(
                IllegalArgumentException.class,
                () -> new MultiTaskLoss(20, 1, List.of(1.0, -2.0)),
                "a negative weight");
        MultiTaskLoss threeColumns = new MultiTaskLoss(20, 1, List.of(1.0, 1.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> terms(0, threeColumns), "3 weights for 2 attributes");
    }
}
