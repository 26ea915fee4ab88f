package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * In-place operations on the gradients of a network's trainable parameters, as DINO applies them between the
 * backward pass and the optimizer step: per-parameter norm clipping, cancelling the gradients of the last layer
 * during the first epoch(s), and zeroing before the next backward pass.
 *
 * <p>Every wrapper and temporary is created inside an {@link NDScope} and closed before returning, because
 * gradient arrays belong to the parameters' long-lived manager.
 */
public final class GradientClipping {

    private static final NDIndex ALL = new NDIndex("...");

    private GradientClipping() {}

    /**
     * DINO's clip_gradients: every parameter whose gradient norm exceeds {@code maxNorm} has its gradient scaled by
     * {@code maxNorm / (norm + 1e-6)}; the others are left alone. Each parameter is clipped on its own, not by the
     * global norm.
     *
     * @param maxNorm the per-parameter bound; 0 or less only measures
     * @return the global L2 norm of all gradients before clipping (sqrt of the sum of squared per-parameter norms)
     */
    public static double clipPerParameter(ParameterList parameters, double maxNorm) {
        List<Parameter> trainable = trainable(parameters);
        if (trainable.isEmpty()) {
            return 0.0;
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList gradients = new NDList();
            NDList norms = new NDList();
            for (Parameter parameter : trainable) {
                NDArray gradient = parameter.getArray().getGradient();
                gradients.add(gradient);
                norms.add(gradient.norm());
            }
            // one host transfer for all norms instead of one per parameter
            float[] values = NDArrays.stack(norms).toFloatArray();
            double sumOfSquares = 0.0;
            for (int i = 0; i < values.length; i++) {
                sumOfSquares += (double) values[i] * values[i];
                double scale = maxNorm / (values[i] + 1e-6);
                if (maxNorm > 0 && scale < 1.0) {
                    gradients.get(i).muli(scale);
                }
            }
            return Math.sqrt(sumOfSquares);
        }
    }

    /**
     * DINO's cancel_gradients_last_layer, generic over names: zero the gradients of the selected parameters, so an
     * optimizer that skips them leaves them untouched this step.
     *
     * @param selected parameter names (as in {@code block.getParameters()}) to cancel
     * @return how many parameters were cancelled (0 means the predicate matched nothing, often a naming mistake)
     */
    public static int cancelGradients(ParameterList parameters, Predicate<String> selected) {
        int cancelled = 0;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Pair<String, Parameter> entry : parameters) {
                Parameter parameter = entry.getValue();
                if (parameter.requiresGradient() && selected.test(entry.getKey())) {
                    zero(parameter);
                    cancelled++;
                }
            }
        }
        return cancelled;
    }

    /**
     * Zero every trainable gradient in place. libtorch accumulates gradients across backward passes, so this runs
     * before each step's backward. Filling (rather than subtracting the gradient from itself) also clears NaNs.
     */
    public static void zeroGradients(ParameterList parameters) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Parameter parameter : trainable(parameters)) {
                zero(parameter);
            }
        }
    }

    /** The trainable parameters (those that collect a gradient), in block order. */
    static List<Parameter> trainable(ParameterList parameters) {
        List<Parameter> trainable = new ArrayList<>();
        for (Pair<String, Parameter> entry : parameters) {
            Parameter parameter = entry.getValue();
            if (parameter.requiresGradient() && parameter.getArray().hasGradient()) {
                trainable.add(parameter);
            }
        }
        return trainable;
    }

    private static void zero(Parameter parameter) {
        parameter.getArray().getGradient().set(ALL, 0f);
    }
}
