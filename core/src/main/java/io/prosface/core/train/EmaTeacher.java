package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher of self-distillation: a second instance of the student's architecture whose weights are an
 * exponential moving average of the student's, θ_t &lt;- m θ_t + (1 - m) θ_s. It never receives gradients.
 *
 * <p>Both blocks must be initialised with the same architecture (build them with the same factory and the same
 * input shape). Construction copies the student's weights into the teacher and freezes the teacher. Running
 * statistics (batch-norm means and variances, which DJL also calls parameters) are averaged like weights, since
 * the teacher only runs in evaluation mode and would otherwise never update them.
 */
public final class EmaTeacher {

    private final Block student;
    private final Block teacher;
    private final List<Parameter[]> pairs = new ArrayList<>();

    /**
     * @param student the trained network
     * @param teacher a separate, initialised instance of the same architecture; its weights are overwritten
     * @throws IllegalArgumentException naming the first parameter whose name or shape differs
     */
    public EmaTeacher(Block student, Block teacher) {
        if (student == teacher) {
            throw new IllegalArgumentException("the teacher must be a separate Block instance, not the student itself");
        }
        if (!student.isInitialized() || !teacher.isInitialized()) {
            throw new IllegalArgumentException("initialise both the student and the teacher before pairing them");
        }
        this.student = student;
        this.teacher = teacher;
        ParameterList studentParameters = student.getParameters();
        ParameterList teacherParameters = teacher.getParameters();
        if (studentParameters.size() != teacherParameters.size()) {
            throw new IllegalArgumentException("student has " + studentParameters.size() + " parameters, teacher has "
                    + teacherParameters.size() + ": not the same architecture");
        }
        for (int i = 0; i < studentParameters.size(); i++) {
            String studentName = studentParameters.keyAt(i);
            String teacherName = teacherParameters.keyAt(i);
            Parameter studentParameter = studentParameters.valueAt(i);
            Parameter teacherParameter = teacherParameters.valueAt(i);
            if (!studentName.equals(teacherName)) {
                throw new IllegalArgumentException("parameter " + i + " is '" + studentName + "' in the student but '"
                        + teacherName + "' in the teacher: not the same architecture");
            }
            if (!studentParameter
                    .getArray()
                    .getShape()
                    .equals(teacherParameter.getArray().getShape())) {
                throw new IllegalArgumentException("parameter '" + studentName + "' has shape "
                        + studentParameter.getArray().getShape() + " in the student but "
                        + teacherParameter.getArray().getShape() + " in the teacher");
            }
            pairs.add(new Parameter[] {studentParameter, teacherParameter});
        }
        // freeze first: an array that requires a gradient cannot be overwritten in place
        teacher.freezeParameters(true);
        for (Parameter[] pair : pairs) {
            pair[0].getArray().copyTo(pair[1].getArray());
        }
    }

    public Block student() {
        return student;
    }

    public Block teacher() {
        return teacher;
    }

    /**
     * θ_t &lt;- m θ_t + (1 - m) θ_s for every parameter, in place. Call it outside any gradient collection.
     *
     * @param momentum m in [0, 1]; 1 leaves the teacher unchanged
     */
    public void update(double momentum) {
        GradientRecording.pauseOnThisThread(); // in-place parameter updates are never recorded
        if (momentum < 0 || momentum > 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        // the scaled student copies are created in the student's manager: the scope closes them right away
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Parameter[] pair : pairs) {
                NDArray studentArray = pair[0].getArray();
                NDArray teacherArray = pair[1].getArray();
                teacherArray.muli(momentum).addi(studentArray.mul(1.0 - momentum));
            }
        }
    }
}
