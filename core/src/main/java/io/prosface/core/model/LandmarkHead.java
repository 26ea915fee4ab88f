package io.prosface.core.model;

import java.util.List;

/**
 * K facial landmarks (68 for iBUG) predicted from the patch tokens: (B, K, 2) coordinates (x, y) in [0, 1] of the
 * model input square. See {@link SoftArgmaxLandmarks} for how.
 */
public final class LandmarkHead extends GenericHead {

    /** Points named "0".."K-1" (iBUG order when K = 68). */
    public LandmarkHead(int numPoints) {
        this(pointNames(numPoints));
    }

    public LandmarkHead(List<String> pointNames) {
        super(HeadKind.LANDMARKS, pointNames);
    }
}
