package io.prosface.core.data.augment;

import java.util.List;

/**
 * The augmented views of one image, each a normalised CHW float array.
 *
 * @param globalViews 2 arrays of 3 * globalSize * globalSize (view 0: always blurred; view 1: may be solarised)
 * @param localViews localCropCount arrays of 3 * localSize * localSize
 */
public record MultiCropViews(List<float[]> globalViews, List<float[]> localViews, int globalSize, int localSize) {

    public MultiCropViews {
        globalViews = List.copyOf(globalViews);
        localViews = List.copyOf(localViews);
    }
}
