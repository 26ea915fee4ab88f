package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScheduledAdamWTest {

    private NDManager manager;
    private ParameterList parameters;

    @BeforeEach
    void createOneWeightAndOneBias() {
        manager = NDManager.newBaseManager();
        Map<String, Parameter> map = new LinkedHashMap<>();
        map.put("linear_weight", parameter("weight", Parameter.Type.WEIGHT, new Shape(1, 1)));
        map.put("linear_bias", parameter("bias", Parameter.Type.BIAS, new Shape(1)));
        parameters = new ParameterList(map);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void twoStepsMatchTheHandComputedAdamWUpdate() {
        try (ScheduledAdamW optimizer = new ScheduledAdamW()) {
            // θ = 1, g = 0.5, lr = 0.1, λ = 0.1, β = (0.9, 0.999)
            // step 1: decay θ = 1 (1 - 0.01) = 0.99; m = 0.05, v = 0.00025; m^ = 0.5, v^ = 0.25;
            //         θ = 0.99 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.89
            backward(0.5f);
            optimizer.step(parameters, 0.1, 0.1, name -> false);
            assertEquals(0.89, value("linear_weight"), 1e-6);
            // the bias is not decayed: 1 - 0.1 = 0.9
            assertEquals(0.9, value("linear_bias"), 1e-6);

            // step 2, same gradient: θ = 0.89 * 0.99 = 0.8811; m = 0.095, m^ = 0.095 / 0.19 = 0.5;
            //         v = 0.00049975, v^ = 0.00049975 / 0.001999 = 0.25; θ = 0.8811 - 0.1 = 0.7811
            backward(0.5f);
            optimizer.step(parameters, 0.1, 0.1, name -> false);
            assertEquals(0.7811, value("linear_weight"), 1e-6);
            assertEquals(2, optimizer.steps("linear_weight"));
        }
    }

    @Test
    void skippedParametersAreNotTouchedAtAll() {
        try (ScheduledAdamW optimizer = new ScheduledAdamW()) {
            backward(0.5f);
            optimizer.step(parameters, 0.1, 0.1, name -> name.endsWith("weight"));
            assertEquals(1.0, value("linear_weight"), 0.0, "no update and no weight decay");
            assertEquals(0, optimizer.steps("linear_weight"));
            assertEquals(0.9, value("linear_bias"), 1e-6);
        }
    }

    @Test
    void decayRuleSparesBiasesNormsAndTokens() {
        assertTrue(decayed("block_linear_weight", Parameter.Type.WEIGHT, new Shape(4, 4)));
        assertFalse(decayed("block_linear_bias", Parameter.Type.BIAS, new Shape(4)));
        assertFalse(decayed("block_norm_gamma", Parameter.Type.GAMMA, new Shape(4)));
        assertFalse(decayed("block_norm_beta", Parameter.Type.BETA, new Shape(4)));
        assertFalse(decayed("vit_classToken", Parameter.Type.OTHER, new Shape(1, 1, 4)));
        assertFalse(decayed("vit_positionEmbedding", Parameter.Type.OTHER, new Shape(1, 5, 4)));
        assertFalse(decayed("head_scale", Parameter.Type.OTHER, new Shape(4)), "any rank-1 parameter");
        assertTrue(decayed("head_prototypes", Parameter.Type.WEIGHT, new Shape(8, 4)));
    }

    @Test
    void onlyTheFirstStepAllocatesState() {
        try (ScheduledAdamW optimizer = new ScheduledAdamW()) {
            backward(0.5f);
            optimizer.step(parameters, 0.1, 0.1, name -> false);
            int afterFirst = manager.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                optimizer.step(parameters, 0.1, 0.1, name -> false);
            }
            assertEquals(afterFirst, manager.getManagedArrays().size());
        }
    }

    private boolean decayed(String name, Parameter.Type type, Shape shape) {
        return ScheduledAdamW.isDecayedByDefault(new Pair<>(name, parameter(name, type, shape)));
    }

    private Parameter parameter(String name, Parameter.Type type, Shape shape) {
        NDArray array = manager.ones(shape);
        array.setRequiresGradient(true);
        return Parameter.builder().setName(name).setType(type).optArray(array).build();
    }

    /** Sets every gradient to {@code gradient} (loss = gradient * sum of all parameters). */
    private void backward(float gradient) {
        GradientClipping.zeroGradients(parameters);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = parameters
                    .get("linear_weight")
                    .getArray()
                    .sum()
                    .add(parameters.get("linear_bias").getArray().sum())
                    .mul(manager.create(gradient));
            collector.backward(loss);
        }
    }

    private double value(String name) {
        return parameters.get(name).getArray().toFloatArray()[0];
    }
}
