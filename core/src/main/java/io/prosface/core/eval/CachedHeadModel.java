package io.prosface.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import java.util.List;

/**
 * What {@link HeadFitting} trains, over inputs computed ONCE per image: the head alone on frozen backbone features
 * ({@link FrozenFeatures}), or the head with its own copy of the last k blocks on the frozen prefix's tokens
 * ({@link TailTokens}). Both are driven the same way: train with a step hook, predict for metrics, fold the input
 * standardisation into the head at the end.
 */
interface CachedHeadModel {

    TaskHead head();

    /** The trained last blocks, or null when the backbone stays frozen. */
    BackboneTail tail();

    /** Optimiser steps over the training images; the hook runs after each (metrics, cancellation, yielding). */
    void train(List<float[]> targets, HeadTrainer.Settings settings, NDManager manager, HeadTrainer.StepHook hook);

    /** Raw head outputs on the training images or the validation images, one flat array per image. */
    List<float[]> predict(boolean validation, NDManager manager);

    /** After training: the standardisation of the head's inputs becomes part of its first linear map. */
    void foldScaling(HeadKind kind, NDManager manager);

    /** Images per prediction batch: bounds the memory of metric passes. */
    int PREDICT_BATCH = 256;

    /** (B, ...) outputs -> B flat rows appended to {@code into} ((B, K, 2) landmarks flatten to x0, y0, x1, ...). */
    static void appendRows(NDArray output, List<float[]> into) {
        float[] values = output.toFloatArray();
        int rows = (int) output.getShape().get(0);
        int width = values.length / rows;
        for (int row = 0; row < rows; row++) {
            float[] one = new float[width];
            System.arraycopy(values, row * width, one, 0, width);
            into.add(one);
        }
    }
}
