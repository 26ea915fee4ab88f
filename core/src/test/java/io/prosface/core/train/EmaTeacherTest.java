package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmaTeacherTest {

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
    void teacherStartsAsAFrozenCopyOfTheStudent() {
        Block student = initialised(StandInStudents.multilayerPerceptron(3));
        Block teacher = initialised(StandInStudents.multilayerPerceptron(3));
        new EmaTeacher(student, teacher);
        for (int i = 0; i < student.getParameters().size(); i++) {
            Parameter studentParameter = student.getParameters().valueAt(i);
            Parameter teacherParameter = teacher.getParameters().valueAt(i);
            assertArrayEquals(
                    studentParameter.getArray().toFloatArray(),
                    teacherParameter.getArray().toFloatArray());
            assertFalse(
                    teacherParameter.requiresGradient(), teacher.getParameters().keyAt(i));
            assertFalse(
                    teacherParameter.getArray().hasGradient(),
                    teacher.getParameters().keyAt(i));
            assertTrue(studentParameter.requiresGradient(), "the student stays trainable");
        }
    }

    @Test
    void updateMovesTheTeacherTowardsTheStudentByOneMinusMomentum() {
        Block student = initialised(StandInStudents.multilayerPerceptron(3));
        Block teacher = initialised(StandInStudents.multilayerPerceptron(3));
        EmaTeacher ema = new EmaTeacher(student, teacher);
        NDArray studentWeight = student.getParameters().valueAt(0).getArray();
        float[] start = studentWeight.toFloatArray();
        studentWeight.addi(1f); // θ_s = θ_0 + 1 while θ_t = θ_0

        ema.update(0.9); // θ_t = 0.9 θ_0 + 0.1 (θ_0 + 1) = θ_0 + 0.1
        assertArrayEquals(
                plus(start, 0.1f), teacher.getParameters().valueAt(0).getArray().toFloatArray(), 1e-6f);
        ema.update(1.0); // m = 1: unchanged
        assertArrayEquals(
                plus(start, 0.1f), teacher.getParameters().valueAt(0).getArray().toFloatArray(), 1e-6f);
        ema.update(0.0); // m = 0: a copy of the student
        assertArrayEquals(
                plus(start, 1f), teacher.getParameters().valueAt(0).getArray().toFloatArray(), 1e-6f);
    }

    @Test
    void updatesAllocateNothingThatOutlivesThem() {
        Block student = initialised(StandInStudents.multilayerPerceptron(3));
        EmaTeacher ema = new EmaTeacher(student, initialised(StandInStudents.multilayerPerceptron(3)));
        int before = manager.getManagedArrays().size();
        for (int i = 0; i < 20; i++) {
            ema.update(0.99);
        }
        assertEquals(before, manager.getManagedArrays().size());
    }

    @Test
    void teacherGetsNoGradientWhenTheStudentIsTrained() {
        Block student = initialised(StandInStudents.multilayerPerceptron(3));
        Block teacher = initialised(StandInStudents.multilayerPerceptron(3));
        new EmaTeacher(student, teacher);
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            ParameterStore store = new ParameterStore(step, false);
            NDArray input = step.randomNormal(new Shape(2, 4));
            NDArray teacherOutput =
                    teacher.forward(store, new NDList(input), false).head();
            NDArray studentOutput =
                    student.forward(store, new NDList(input), true).head();
            assertFalse(teacherOutput.hasGradient(), "no graph is recorded for the teacher");
            collector.backward(studentOutput.mul(teacherOutput).sum());
        }
        for (Pair<String, Parameter> entry : teacher.getParameters()) {
            assertFalse(entry.getValue().getArray().hasGradient(), entry.getKey());
        }
        float[] studentGradient =
                student.getParameters().valueAt(0).getArray().getGradient().toFloatArray();
        assertTrue(Math.abs(studentGradient[0]) + Math.abs(studentGradient[1]) > 0, "the student did get one");
    }

    @Test
    void refusesDifferentArchitecturesByName() {
        Block student = initialised(StandInStudents.multilayerPerceptron(3));
        Block wider = initialised(StandInStudents.multilayerPerceptron(5));
        IllegalArgumentException shape =
                assertThrows(IllegalArgumentException.class, () -> new EmaTeacher(student, wider));
        assertTrue(
                shape.getMessage().contains("prototypes") && shape.getMessage().contains("(3, 6)"), shape.getMessage());

        Block linear = Linear.builder().setUnits(3).build();
        linear.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        IllegalArgumentException count =
                assertThrows(IllegalArgumentException.class, () -> new EmaTeacher(student, linear));
        assertTrue(count.getMessage().contains("not the same architecture"), count.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new EmaTeacher(student, student));
        assertThrows(
                IllegalArgumentException.class,
                () -> new EmaTeacher(student, StandInStudents.multilayerPerceptron(3)),
                "uninitialised teacher");
    }

    private Block initialised(Block block) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        return block;
    }

    private static float[] plus(float[] values, float offset) {
        float[] result = values.clone();
        for (int i = 0; i < result.length; i++) {
            result[i] += offset;
        }
        return result;
    }
}
