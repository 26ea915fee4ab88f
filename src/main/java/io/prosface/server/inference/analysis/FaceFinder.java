package io.prosface.server.inference.analysis;

import java.awt.image.BufferedImage;
import java.util.List;

/** Finds faces when a request brings no box. Implementations must be safe for concurrent use. */
public interface FaceFinder {

    /** Faces in image pixels, largest first, at most {@code maxFaces} (&gt; 0); empty when there is none. */
    List<DetectedFace> find(BufferedImage image, int maxFaces);
}
