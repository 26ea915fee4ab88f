package io.prosface.core.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Backbone outputs computed once for a set of images (the frozen-backbone "linear probe" protocol): every head is
 * then trained on these arrays instead of re-running the backbone each epoch.
 *
 * @param count number of images
 * @param embedDim D
 * @param numPatches N
 * @param classTokens count * D values, image-major
 * @param patchTokens count * N * D values, image-major
 */
public record CachedFeatures(int count, int embedDim, int numPatches, float[] classTokens, float[] patchTokens) {

    public CachedFeatures {
        if (classTokens.length != (long) count * embedDim
                || patchTokens.length != (long) count * numPatches * embedDim) {
            throw new IllegalArgumentException("feature arrays do not match " + count + " x (" + embedDim + ", "
                    + numPatches + "x" + embedDim + ")");
        }
    }

    /** The class token of image i (a fresh array), e.g. as an embedding for retrieval. */
    public float[] classToken(int index) {
        float[] token = new float[embedDim];
        System.arraycopy(classTokens, index * embedDim, token, 0, embedDim);
        return token;
    }

    /** The backbone output for the given images: NDList(classToken (B, D), patchTokens (B, N, D)). */
    public NDList batch(NDManager manager, List<Integer> indices) {
        int patchLength = numPatches * embedDim;
        float[] classBatch = new float[indices.size() * embedDim];
        float[] patchBatch = new float[indices.size() * patchLength];
        for (int b = 0; b < indices.size(); b++) {
            int index = indices.get(b);
            System.arraycopy(classTokens, index * embedDim, classBatch, b * embedDim, embedDim);
            System.arraycopy(patchTokens, index * patchLength, patchBatch, b * patchLength, patchLength);
        }
        return new NDList(
                manager.create(classBatch, new Shape(indices.size(), embedDim)),
                manager.create(patchBatch, new Shape(indices.size(), numPatches, embedDim)));
    }

    /** The features of the given images only, in that order (copies). */
    public CachedFeatures subset(List<Integer> indices) {
        int patchLength = numPatches * embedDim;
        float[] classSubset = new float[indices.size() * embedDim];
        float[] patchSubset = new float[indices.size() * patchLength];
        for (int b = 0; b < indices.size(); b++) {
            int index = indices.get(b);
            System.arraycopy(classTokens, index * embedDim, classSubset, b * embedDim, embedDim);
            System.arraycopy(patchTokens, index * patchLength, patchSubset, b * patchLength, patchLength);
        }
        return new CachedFeatures(indices.size(), embedDim, numPatches, classSubset, patchSubset);
    }
}
