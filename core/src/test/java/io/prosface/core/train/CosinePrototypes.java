package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Test stand-in for ProsHead's last stage: cosine similarity between L2-normalised features (B, D) and K
 * L2-normalised prototypes, giving similarities (B, K) in [-1, 1].
 */
final class CosinePrototypes extends AbstractBlock {

    private final int numPrototypes;
    private final Parameter prototypes;

    CosinePrototypes(int numPrototypes) {
        this.numPrototypes = numPrototypes;
        this.prototypes = addParameter(Parameter.builder()
                .setName("prototypes")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer(1f))
                .build());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        prototypes.setShape(new Shape(numPrototypes, inputShapes[0].get(1)));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = inputs.head().normalize(2, 1);
        NDArray weights = store.getValue(prototypes, features.getDevice(), training);
        // arrays derived from a parameter land in the parameter's long-lived manager: move them to the input's
        NDArray normalised = weights.normalize(2, 1);
        normalised.attach(features.getManager());
        // (K, D) -> (D, K)
        NDArray transposed = normalised.transpose();
        transposed.attach(features.getManager());
        // (B, D) x (D, K) -> (B, K)
        return new NDList(features.matMul(transposed));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numPrototypes)};
    }
}
