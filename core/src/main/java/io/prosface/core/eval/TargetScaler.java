package io.prosface.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.prosface.core.model.TaskHead;
import java.util.List;

/**
 * Regression targets are trained as z-scores (ages of 1..90 would otherwise need a much larger learning rate
 * than the other kinds); after training the scale is folded into the head's last linear map, W' = diag(σ) W and
 * b' = σ ⊙ b + μ, so the published head answers in the label's own units.
 */
record TargetScaler(float[] mean, float[] std) {

    /** No scaling (every kind but regression). */
    public static final TargetScaler NONE = new TargetScaler(null, null);

    /** Mean and standard deviation (floored at 1e-3) of each output of {@code targets}. */
    public static TargetScaler fit(List<float[]> targets) {
        int width = targets.get(0).length;
        float[] mean = new float[width];
        float[] std = new float[width];
        for (float[] target : targets) {
            for (int j = 0; j < width; j++) {
                mean[j] += target[j] / targets.size();
            }
        }
        for (float[] target : targets) {
            for (int j = 0; j < width; j++) {
                std[j] += (target[j] - mean[j]) * (target[j] - mean[j]) / targets.size();
            }
        }
        for (int j = 0; j < width; j++) {
            std[j] = (float) Math.max(Math.sqrt(std[j]), 1e-3);
        }
        return new TargetScaler(mean, std);
    }

    /** {@code target} as z-scores. */
    public float[] forward(float[] target) {
        if (mean == null) {
            return target;
        }
        float[] scaled = new float[target.length];
        for (int j = 0; j < target.length; j++) {
            scaled[j] = (target[j] - mean[j]) / std[j];
        }
        return scaled;
    }

    /** Outputs of a head trained on z-scores, in the targets' units. */
    public List<float[]> inverse(List<float[]> outputs) {
        if (mean == null) {
            return outputs;
        }
        return outputs.stream()
                .map(output -> {
                    float[] raw = new float[output.length];
                    for (int j = 0; j < output.length; j++) {
                        raw[j] = output[j] * std[j] + mean[j];
                    }
                    return raw;
                })
                .toList();
    }

    /** After training: the head answers in the targets' units (its last linear map rescaled in place). */
    public void foldInto(TaskHead head, NDManager manager) {
        if (mean == null) {
            return;
        }
        int width = mean.length;
        for (Pair<String, Parameter> parameter : head.getParameters()) {
            NDArray array = parameter.getValue().getArray();
            Shape shape = array.getShape();
            if (shape.dimension() == 2 && shape.get(0) == width) {
                // (R, 2D) weight: row r scaled by σ_r
                array.muli(manager.create(std, new Shape(width, 1)).toDevice(array.getDevice(), false));
            } else if (shape.dimension() == 1 && shape.get(0) == width) {
                array.muli(manager.create(std).toDevice(array.getDevice(), false))
                        .addi(manager.create(mean).toDevice(array.getDevice(), false));
            } else {
                throw new IllegalStateException(
                        "unexpected regression head parameter " + parameter.getKey() + " " + shape);
            }
        }
    }
}
