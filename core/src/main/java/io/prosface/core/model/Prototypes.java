package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The K learnable prototypes c_1..c_K of ProS, each a row of dimension {@code bottleneckDim}. Rows are L2-normalised
 * at every use (DINO's weight-normalised last layer with its norm fixed to 1), so the output z·c_k/‖c_k‖ is the
 * cosine similarity of a unit-norm embedding z to each prototype, in [-1, 1].
 */
public final class Prototypes extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int numPrototypes;
    private final Parameter weight;

    /**
     * @param numPrototypes K (1024 for tiny, 65536 for base)
     * @param bottleneckDim width of the embeddings they are compared with (256)
     */
    public Prototypes(int numPrototypes, int bottleneckDim) {
        super(VERSION);
        this.numPrototypes = numPrototypes;
        weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numPrototypes, bottleneckDim))
                .optInitializer(Tensors.weightInitializer())
                .build());
    }

    /** The (K, bottleneck) prototype matrix, e.g. for an optimizer that treats it specially. */
    public Parameter weight() {
        return weight;
    }

    /**
     * Freezes or releases the prototypes. DINO and ProS keep them fixed during the first epoch, which stabilises the
     * start of self-distillation; frozen prototypes get no gradient and are skipped by the optimizer.
     */
    public void setFrozen(boolean frozen) {
        weight.freeze(frozen);
    }

    public boolean isFrozen() {
        return !weight.requiresGradient();
    }

    /** Input {@code NDList(z (B, bottleneck))}, unit rows; output {@code NDList(similarities (B, K))}. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray embeddings = inputs.head();
        NDArray prototypes = Tensors.borrow(
                parameterStore.getValue(weight, embeddings.getDevice(), training), embeddings.getManager());
        NDArray unitPrototypes = prototypes.normalize(2, 1, 1e-12);
        // (B, E) @ (E, K) -> (B, K); the transpose is a view, the product reads it as Cᵀ without copying
        return new NDList(embeddings.matMul(unitPrototypes.transpose()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numPrototypes)};
    }
}
