package io.prosface.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.prosface.core.data.Expression;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskHeadTest {

    private static final int WIDTH = 64;
    private static final int PATCHES = 16;

    @Test
    void everyHeadKindHasItsOutputShape() {
        List<String> attributes = List.of("Smiling", "Eyeglasses", "Male");
        check(new AttributeHead(attributes), HeadKind.ATTRIBUTES, new Shape(3, 3));
        check(new ExpressionHead(), HeadKind.EXPRESSION, new Shape(3, 7));
        check(new LandmarkHead(68), HeadKind.LANDMARKS, new Shape(3, 68, 2));
        check(GenericHead.classification(List.of("a", "b", "c", "d")), HeadKind.CLASSIFICATION, new Shape(3, 4));
        check(GenericHead.multilabel(List.of("x", "y")), HeadKind.MULTILABEL, new Shape(3, 2));
        check(GenericHead.regression(List.of("age")), HeadKind.REGRESSION, new Shape(3, 1));
        check(GenericHead.landmarks(5), HeadKind.LANDMARKS, new Shape(3, 5, 2));
    }

    private static void check(TaskHead head, HeadKind kind, Shape expected) {
        assertEquals(kind, head.kind());
        try (NDManager manager = NDManager.newBaseManager()) {
            head.initializeParameters(manager, WIDTH, PATCHES);
            NDArray output = head.forward(
                            new ai.djl.training.ParameterStore(manager, false), features(manager, 3), false)
                    .head();
            assertEquals(expected, output.getShape(), kind.toString());
            assertEquals(
                    expected, head.getOutputShapes(new Shape[] {new Shape(3, WIDTH), new Shape(3, PATCHES, WIDTH)})[0]);
        }
    }

    @Test
    void labelsTravelWithTheHeadAndRebuildTheSameHead() {
        assertEquals(Expression.labels(), new ExpressionHead().labelNames());
        assertEquals(List.of("Smiling", "Male"), new AttributeHead(List.of("Smiling", "Male")).labelNames());
        assertInstanceOf(ExpressionHead.class, TaskHead.create(HeadKind.EXPRESSION, Expression.labels()));
        assertInstanceOf(LandmarkHead.class, TaskHead.create(HeadKind.LANDMARKS, GenericHead.pointNames(68)));
        assertInstanceOf(AttributeHead.class, TaskHead.create(HeadKind.ATTRIBUTES, List.of("Smiling")));
        assertThrows(
                IllegalArgumentException.class, () -> TaskHead.create(HeadKind.EXPRESSION, List.of("happy", "sad")));
        assertThrows(IllegalArgumentException.class, () -> GenericHead.classification(List.of("a", "a")));
        assertEquals(68, new LandmarkHead(68).outputs());
    }

    @Test
    void landmarksStayInsideTheUnitSquareEvenWithExtremeWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LandmarkHead head = new LandmarkHead(68);
            head.initializeParameters(manager, WIDTH, PATCHES);
            // blow every weight up so that softmax saturates and tanh offsets hit their limits
            head.getParameters()
                    .values()
                    .forEach(parameter -> parameter.getArray().muli(500f));
            NDArray points = head.forward(
                            new ai.djl.training.ParameterStore(manager, false), features(manager, 4), false)
                    .head();
            assertTrue(
                    points.min().getFloat() >= 0f && points.max().getFloat() <= 1f,
                    "landmarks left [0, 1]: " + points.min().getFloat() + " .. "
                            + points.max().getFloat());
        }
    }

    /**
     * The head reaches sub-patch precision: with fixed random tokens on a 4×4 grid (patch side 0.25) it learns
     * arbitrary targets to within 1% of the image side, which soft-argmax over patch centres alone could only
     * approach at the cost of very flat heatmaps.
     */
    @Test
    void landmarkHeadFitsSubPatchTargets() {
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("landmarks")) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            LandmarkHead head = new LandmarkHead(5);
            model.setBlock(head);
            NDList inputs = features(manager, 8);
            NDArray targets = manager.randomUniform(0.05f, 0.95f, new Shape(8, 5, 2));
            var config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(1e-2f))
                            .build());
            float error = Float.NaN;
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(8, WIDTH), new Shape(8, PATCHES, WIDTH));
                for (int step = 0; step < 150; step++) {
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray points = trainer.forward(inputs).head();
                        NDArray loss = points.sub(targets).pow(2).mean();
                        collector.backward(loss);
                    }
                    trainer.step();
                }
                NDArray points = trainer.evaluate(inputs).head();
                error = points.sub(targets)
                        .pow(2)
                        .sum(new int[] {2})
                        .sqrt()
                        .mean()
                        .getFloat();
            }
            System.out.printf("landmark head fit: mean point error %.4f of the image side%n", error);
            assertTrue(error < 0.01f, "mean point error " + error);
        }
    }

    /** Like the backbone's, these names are the on-disk format of head and ProS-head parameter files. */
    @Test
    void headParameterNamesArePinned() {
        assertEquals(
                List.of("01probe_01linear_weight", "01probe_01linear_bias"),
                new ExpressionHead().getParameters().keys());
        assertEquals(
                List.of(
                        "01landmarks_01hidden_weight",
                        "01landmarks_01hidden_bias",
                        "01landmarks_02heatmap_weight",
                        "01landmarks_02heatmap_bias",
                        "01landmarks_03offset_weight",
                        "01landmarks_03offset_bias"),
                new LandmarkHead(68).getParameters().keys());
        assertEquals(
                List.of(
                        "01projection_01input_weight",
                        "01projection_01input_bias",
                        "01projection_02hidden_weight",
                        "01projection_02hidden_bias",
                        "01projection_03bottleneck_weight",
                        "01projection_03bottleneck_bias",
                        "02prototypes_weight"),
                new ProsHead(64, 128, 256, 100).getParameters().keys());
    }

    @Test
    void headsRefuseAnythingButTheBackboneOutputPair() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TaskHead head = new ExpressionHead();
            head.initializeParameters(manager, WIDTH, PATCHES);
            NDList onlyClassToken = new NDList(manager.zeros(new Shape(1, WIDTH)));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> head.forward(new ai.djl.training.ParameterStore(manager, false), onlyClassToken, false));
        }
    }

    static NDList features(NDManager manager, int batch) {
        return new NDList(
                manager.randomNormal(new Shape(batch, WIDTH)), manager.randomNormal(new Shape(batch, PATCHES, WIDTH)));
    }
}
