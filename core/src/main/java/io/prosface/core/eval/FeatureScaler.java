package io.prosface.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.TaskHead;
import java.util.List;

/**
 * Per-dimension standardisation of cached backbone features: the linear-probe protocol's (MAE and DINO use a
 * parameter-free BatchNorm for the same purpose), and few-shot jobs' training, where it is folded into the head's
 * first linear map afterwards, so the published head reads raw features exactly like a built-in head.
 *
 * <p>Why: a backbone's tokens vary little along most dimensions (after its final LayerNorm, and even more so for a
 * weakly trained backbone), so a linear head on raw features needs many more steps than a few-shot job has. On
 * z-scored features x' = (x - μ) / σ the same head learns in a few epochs. In an evaluation it also makes the probe's
 * effective step size and regularisation the same for every backbone: unscaled, a backbone whose features barely vary
 * keeps its few-shot probe at the majority answer while the others overfit, which reads as a win. Folding: for the
 * first linear layer y = W x' + b = (W / σ) x + (b - (W / σ) μ), column by column.
 *
 * <p>Statistics: class tokens over the training views; patch tokens over every token of the training views (the
 * linear probe reads their mean, the landmark head each token).
 */
public record FeatureScaler(float[] classMean, float[] classStd, float[] patchMean, float[] patchStd) {

    /** Statistics of {@code features} (e.g. a training pool: images only, no labels). */
    public static FeatureScaler fit(CachedFeatures features) {
        int dim = features.embedDim();
        float[][] classStats = stats(features.classTokens(), dim);
        float[][] patchStats = stats(features.patchTokens(), dim);
        return new FeatureScaler(classStats[0], classStats[1], patchStats[0], patchStats[1]);
    }

    /** Mean and floored standard deviation of each of {@code dim} columns of row-major {@code values}. */
    private static float[][] stats(float[] values, int dim) {
        int rows = values.length / dim;
        double[] sum = new double[dim];
        double[] squares = new double[dim];
        for (int row = 0; row < rows; row++) {
            for (int d = 0; d < dim; d++) {
                double value = values[row * dim + d];
                sum[d] += value;
                squares[d] += value * value;
            }
        }
        float[] mean = new float[dim];
        float[] std = new float[dim];
        double meanStd = 0;
        for (int d = 0; d < dim; d++) {
            mean[d] = (float) (sum[d] / rows);
            std[d] = (float) Math.sqrt(Math.max(0, squares[d] / rows - mean[d] * (double) mean[d]));
            meanStd += std[d] / dim;
        }
        // a (nearly) constant dimension would get a huge weight after folding: floor σ at a thousandth of the typical σ
        float floor = (float) Math.max(meanStd * 1e-3, 1e-12);
        for (int d = 0; d < dim; d++) {
            std[d] = Math.max(std[d], floor);
        }
        return new float[][] {mean, std};
    }

    /** {@code features} standardised with these statistics (fresh arrays). */
    public CachedFeatures apply(CachedFeatures features) {
        return new CachedFeatures(
                features.count(),
                features.embedDim(),
                features.numPatches(),
                scale(features.classTokens(), classMean, classStd),
                scale(features.patchTokens(), patchMean, patchStd));
    }

    /**
     * The same standardisation on arrays, for tail jobs whose features are computed inside the recorded graph:
     * NDList(classToken (B, D), patchTokens (B, N, D)) -> the same shapes, standardised. The statistics become
     * arrays of the features' manager (libtorch tensors that live as long as the step, never Number operands: see
     * core.train.GraphScalars).
     */
    public NDList apply(NDList features) {
        NDArray classToken = features.get(0);
        NDArray patchTokens = features.get(1);
        NDManager manager = classToken.getManager();
        // (D) broadcasts over (B, D) and (B, N, D)
        NDArray classScaled =
                classToken.sub(array(manager, classMean, classToken)).div(array(manager, classStd, classToken));
        NDArray patchScaled =
                patchTokens.sub(array(manager, patchMean, patchTokens)).div(array(manager, patchStd, patchTokens));
        return new NDList(classScaled, patchScaled);
    }

    private static NDArray array(NDManager manager, float[] values, NDArray like) {
        return manager.create(values).toDevice(like.getDevice(), false);
    }

    private static float[] scale(float[] values, float[] mean, float[] std) {
        float[] scaled = new float[values.length];
        int dim = mean.length;
        for (int i = 0; i < values.length; i++) {
            scaled[i] = (values[i] - mean[i % dim]) / std[i % dim];
        }
        return scaled;
    }

    /**
     * Folds the scaling into the head's first linear layer: the linear probe's (C, 2D) map on [class ; mean patch],
     * or the landmark head's per-token (H, D) hidden layer.
     */
    public void foldInto(TaskHead head, HeadKind kind, NDManager manager) {
        List<Pair<String, Parameter>> parameters = new java.util.ArrayList<>();
        head.getParameters().forEach(parameters::add);
        NDArray weight = parameters.get(0).getValue().getArray();
        NDArray bias = parameters.get(1).getValue().getArray();
        if (!parameters.get(0).getKey().endsWith("_weight")
                || !parameters.get(1).getKey().endsWith("_bias")) {
            throw new IllegalStateException("unexpected first parameters "
                    + parameters.get(0).getKey() + ", " + parameters.get(1).getKey());
        }
        float[] mean = kind == HeadKind.LANDMARKS ? patchMean : concat(classMean, patchMean);
        float[] std = kind == HeadKind.LANDMARKS ? patchStd : concat(classStd, patchStd);
        if (weight.getShape().get(1) != mean.length) {
            throw new IllegalStateException(
                    "first layer " + weight.getShape() + " does not read " + mean.length + " features");
        }
        float[] inverse = new float[std.length];
        for (int d = 0; d < std.length; d++) {
            inverse[d] = 1 / std[d];
        }
        // (1, F) broadcast over the output rows: W' = W / σ
        weight.muli(manager.create(inverse, new Shape(1, inverse.length)).toDevice(weight.getDevice(), false));
        // b' = b - W' μ: (O, F) @ (F, 1) -> (O, 1) -> (O)
        NDArray shift = weight.matMul(
                        manager.create(mean, new Shape(mean.length, 1)).toDevice(weight.getDevice(), false))
                .reshape(bias.getShape());
        bias.subi(shift);
    }

    private static float[] concat(float[] first, float[] second) {
        float[] joined = new float[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
