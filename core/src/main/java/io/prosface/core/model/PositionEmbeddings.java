package io.prosface.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** Resizing of a learned position embedding E_pos to another patch grid (DINO's interpolate_pos_encoding). */
final class PositionEmbeddings {

    /** Interpolation mode index of DJL's PyTorch engine for bicubic. */
    private static final int BICUBIC = 3;

    private PositionEmbeddings() {}

    /**
     * @param position (1, 1 + g·g, D): class position first, then the trained g×g patch grid row by row
     * @param trainedGrid g, patches per side at the trained image size
     * @return (1, 1 + h·w, D); the input itself when the grid is unchanged
     */
    static NDArray resize(NDArray position, long trainedGrid, long gridHeight, long gridWidth) {
        if (gridHeight == trainedGrid && gridWidth == trainedGrid) {
            return position;
        }
        long width = position.getShape().get(2);
        NDArray classPosition = position.get(":, :1, :");
        // (1, g·g, D) -> (1, g, g, D) -> (1, D, g, g): channels first for the 2-D interpolation
        NDArray grid = position.get(":, 1:, :")
                .reshape(1, trainedGrid, trainedGrid, width)
                .transpose(0, 3, 1, 2);
        NDArray resized = grid.getNDArrayInternal().interpolation(new long[] {gridHeight, gridWidth}, BICUBIC, false);
        // (1, D, h, w) -> (1, h, w, D) -> (1, h·w, D)
        NDArray patchPositions = resized.transpose(0, 2, 3, 1).reshape(1, gridHeight * gridWidth, width);
        // (1, 1, D) ++ (1, h·w, D) -> (1, 1 + h·w, D)
        return NDArrays.concat(new NDList(classPosition, patchPositions), 1);
    }
}
