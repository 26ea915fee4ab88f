package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for arithmetic on arrays that take part in a gradient computation.
 *
 * <p>Why: DJL 0.36's PyTorch engine implements {@code x.div(Number)} (and {@code add}, {@code sub}, {@code mul},
 * {@code maximum}, ... with a {@code Number}) by wrapping the number in a tensor that points at Java direct memory,
 * and closes that wrapper as soon as the operation returns. Autograd keeps the tensor for the backward pass
 * (d(x / s)/dx = 1 / s), so when a garbage collection runs between forward and backward the memory can be
 * reused and the gradient reads garbage: NaN or wrong gradients at random steps. A scalar allocated by libtorch
 * itself ({@code NDManager.full}) is owned by libtorch and lives as long as the graph needs it. Use these instead of
 * {@code Number} overloads on anything inside a {@code GradientCollector}; outside one the overloads are safe.
 */
public final class GraphScalars {

    private GraphScalars() {}

    /** A 0-dimensional array holding {@code value}, in the manager, type and device of {@code like}. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }
}
