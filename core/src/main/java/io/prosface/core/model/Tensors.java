package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.initializer.Initializer;

/** Small helpers shared by the blocks of this package. */
final class Tensors {

    /** Standard deviation of the truncated-normal weight init used by timm and DINO for ViTs. */
    static final float WEIGHT_INIT_STD = 0.02f;

    private Tensors() {}

    /** Truncated normal (std 0.02, cut at two standard deviations) for every linear, convolution and token weight. */
    static Initializer weightInitializer() {
        return new TruncatedNormal(WEIGHT_INIT_STD);
    }

    /**
     * A view of a parameter that belongs to the forward pass's manager. DJL attaches the result of an operation to
     * the manager of its first operand; an operation that starts from a parameter would therefore leave its result
     * in the model's long-lived manager and leak one array per request. Starting from this view keeps every derived
     * array with the batch. The view shares storage and autograd history with the parameter.
     */
    static NDArray borrow(NDArray parameter, NDManager owner) {
        NDArray view = parameter.reshape(parameter.getShape());
        view.attach(owner);
        return view;
    }
}
