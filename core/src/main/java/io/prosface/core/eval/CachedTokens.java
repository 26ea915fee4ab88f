package io.prosface.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Token sequences of the frozen backbone prefix at one depth, computed once per image (the "last k blocks unfrozen"
 * protocol): a {@link io.prosface.core.model.BackboneTail} and a head then train on these arrays instead of running
 * the prefix again every epoch. Unlike {@link CachedFeatures} every token is kept: the tail's attention mixes them.
 *
 * @param count number of images
 * @param length tokens per image, 1 + N
 * @param embedDim D
 * @param tokens count * length * D values, image-major
 */
public record CachedTokens(int count, int length, int embedDim, float[] tokens) {

    public CachedTokens {
        if (tokens.length != (long) count * length * embedDim) {
            throw new IllegalArgumentException(
                    "token array does not match " + count + " x " + length + " x " + embedDim);
        }
    }

    /** Bytes one image's tokens take in memory. */
    public static long bytesPerImage(int length, int embedDim) {
        return (long) length * embedDim * Float.BYTES;
    }

    /** The tokens of the given images: (B, 1 + N, D). */
    public NDArray batch(NDManager manager, List<Integer> indices) {
        int perImage = length * embedDim;
        float[] values = new float[indices.size() * perImage];
        for (int b = 0; b < indices.size(); b++) {
            System.arraycopy(tokens, indices.get(b) * perImage, values, b * perImage, perImage);
        }
        return manager.create(values, new Shape(indices.size(), length, embedDim));
    }
}
