package io.prosface.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    private NDManager manager;
    private ParameterList parameters;

    @BeforeEach
    void createParametersWithKnownGradients() {
        manager = NDManager.newBaseManager();
        Map<String, Parameter> map = new LinkedHashMap<>();
        map.put("large", parameter("large", 2));
        map.put("small", parameter("small", 2));
        parameters = new ParameterList(map);
        // loss = (3, 4) . large + (0.3, 0.4) . small: the gradients are those constants, norms 5 and 0.5
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = array("large")
                    .mul(manager.create(new float[] {3, 4}))
                    .sum()
                    .add(array("small")
                            .mul(manager.create(new float[] {0.3f, 0.4f}))
                            .sum());
            collector.backward(loss);
        }
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void clipsEachParameterOnItsOwnAndReportsTheGlobalNormBefore() {
        double norm = GradientClipping.clipPerParameter(parameters, 1.0);
        assertEquals(Math.sqrt(25 + 0.25), norm, 1e-6);
        // norm 5 > 1: scaled by 1 / (5 + 1e-6) to unit norm; norm 0.5 < 1: untouched
        assertArrayEquals(new float[] {0.6f, 0.8f}, gradient("large"), 1e-6f);
        assertArrayEquals(new float[] {0.3f, 0.4f}, gradient("small"), 1e-7f);
    }

    @Test
    void zeroOrNegativeBoundOnlyMeasures() {
        assertEquals(Math.sqrt(25.25), GradientClipping.clipPerParameter(parameters, 0), 1e-6);
        assertArrayEquals(new float[] {3, 4}, gradient("large"), 1e-6f);
    }

    @Test
    void cancelsOnlyTheSelectedGradients() {
        assertEquals(1, GradientClipping.cancelGradients(parameters, name -> name.equals("small")));
        assertArrayEquals(new float[] {0, 0}, gradient("small"));
        assertArrayEquals(new float[] {3, 4}, gradient("large"), 1e-6f);
    }

    @Test
    void zeroingClearsEvenNaNGradients() {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(array("large")
                    .mul(manager.create(new float[] {Float.NaN, 1}))
                    .sum());
        }
        GradientClipping.zeroGradients(parameters);
        assertArrayEquals(new float[] {0, 0}, gradient("large"));
        assertArrayEquals(new float[] {0, 0}, gradient("small"));
    }

    @Test
    void leavesNoWrapperArraysBehind() {
        int before = manager.getManagedArrays().size();
        GradientClipping.clipPerParameter(parameters, 1.0);
        GradientClipping.cancelGradients(parameters, name -> true);
        GradientClipping.zeroGradients(parameters);
        assertEquals(before, manager.getManagedArrays().size());
    }

    private Parameter parameter(String name, int size) {
        NDArray array = manager.ones(new ai.djl.ndarray.types.Shape(size));
        array.setRequiresGradient(true);
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optArray(array)
                .build();
    }

    private NDArray array(String name) {
        return parameters.get(name).getArray();
    }

    private float[] gradient(String name) {
        try (NDArray gradient = array(name).getGradient()) {
            return gradient.toFloatArray();
        }
    }
}
