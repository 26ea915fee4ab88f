package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AdamW (Loshchilov &amp; Hutter) whose learning rate and weight decay are given at every step, as DINO's schedules
 * require. DJL's {@code Optimizer.adamW()} takes one fixed weight decay for every parameter; DINO changes the decay
 * each step and exempts biases and normalisation parameters, hence this small class.
 *
 * <p>Per parameter, PyTorch's formulation: θ &lt;- θ (1 - lr λ); m &lt;- β1 m + (1 - β1) g;
 * v &lt;- β2 v + (1 - β2) g²; θ &lt;- θ - (lr / (1 - β1^t)) m / (sqrt(v / (1 - β2^t)) + ε), with t counted per
 * parameter. The moments live in this optimizer's manager; close it when training ends.
 */
public final class ScheduledAdamW implements AutoCloseable {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Predicate<Pair<String, Parameter>> decayed;
    private final Map<String, Moments> moments = new HashMap<>();
    private NDManager stateManager;

    /** β1 = 0.9, β2 = 0.999, ε = 1e-8 (PyTorch's defaults, used by DINO), DINO's decay rule. */
    public ScheduledAdamW() {
        this(0.9, 0.999, 1e-8, ScheduledAdamW::isDecayedByDefault);
    }

    /**
     * @param decayed which parameters (name as in {@code block.getParameters()}, parameter) receive weight decay
     */
    public ScheduledAdamW(double beta1, double beta2, double epsilon, Predicate<Pair<String, Parameter>> decayed) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.decayed = decayed;
    }

    /**
     * DINO's rule, extended to ViT tokens: decay weight matrices and kernels only, never biases, normalisation
     * scales and shifts (rank 1 or typed BIAS/GAMMA/BETA), the class token, the position embedding or other
     * token parameters.
     */
    public static boolean isDecayedByDefault(Pair<String, Parameter> entry) {
        Parameter parameter = entry.getValue();
        String name = entry.getKey().toLowerCase(Locale.ROOT);
        boolean normOrBias = switch (parameter.getType()) {
            case BIAS, GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR -> true;
            default -> parameter.getArray().getShape().dimension() <= 1;
        };
        boolean token = name.contains("token") || name.contains("position") || name.contains("pos_embed");
        return !normOrBias && !token;
    }

    /**
     * One update of every trainable parameter from its current gradient. Call it outside gradient collection.
     *
     * @param learningRate lr of this step
     * @param weightDecay λ of this step (decoupled: multiplied by lr, as in PyTorch's AdamW)
     * @param skipped names not to touch at all this step (DINO's frozen last layer: no moment, no decay)
     */
    public void step(ParameterList parameters, double learningRate, double weightDecay, Predicate<String> skipped) {
        GradientRecording.pauseOnThisThread(); // in-place parameter updates are never recorded
        for (Pair<String, Parameter> entry : parameters) {
            Parameter parameter = entry.getValue();
            if (!parameter.requiresGradient() || skipped.test(entry.getKey())) {
                continue;
            }
            // state first, outside the scope below, which would otherwise close it
            Moments state = moments.computeIfAbsent(entry.getKey(), name -> newMoments(parameter.getArray()));
            state.steps++;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                update(parameter.getArray(), state, learningRate, decayed.test(entry) ? weightDecay : 0.0);
            }
        }
    }

    /** How many updates the named parameter has received (0 if never). */
    public long steps(String parameterName) {
        Moments state = moments.get(parameterName);
        return state == null ? 0 : state.steps;
    }

    @Override
    public void close() {
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
        }
        moments.clear();
    }

    private void update(NDArray weight, Moments state, double learningRate, double weightDecay) {
        NDArray gradient = weight.getGradient();
        if (weightDecay != 0.0) {
            weight.muli(1.0 - learningRate * weightDecay);
        }
        state.first.muli(beta1).addi(gradient.mul(1.0 - beta1));
        state.second.muli(beta2).addi(gradient.square().muli(1.0 - beta2));
        double firstCorrection = 1.0 - Math.pow(beta1, state.steps);
        double secondCorrection = 1.0 - Math.pow(beta2, state.steps);
        NDArray denominator =
                state.second.sqrt().divi(Math.sqrt(secondCorrection)).addi(epsilon);
        weight.subi(state.first.div(denominator).muli(learningRate / firstCorrection));
    }

    private Moments newMoments(NDArray weight) {
        if (stateManager == null) {
            stateManager = weight.getManager().newSubManager();
            stateManager.setName("adamw-moments");
        }
        NDArray first = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
        NDArray second = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
        NDScope.unregister(first, second); // the moments outlive any scope a caller may have opened
        return new Moments(first, second);
    }

    /** First and second moment estimates m and v of one parameter, and its update count t. */
    private static final class Moments {
        final NDArray first;
        final NDArray second;
        long steps;

        Moments(NDArray first, NDArray second) {
            this.first = first;
            this.second = second;
        }
    }
}
