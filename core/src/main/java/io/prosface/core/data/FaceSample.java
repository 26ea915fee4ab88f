package io.prosface.core.data;

import java.awt.image.BufferedImage;

/**
 * One face image with its labels.
 *
 * @param id stable identifier (usually the file name relative to the data set root)
 * @param image decoded pixels, {@link BufferedImage#TYPE_INT_RGB}
 * @param labels what is known about the face; never null (fields inside may be)
 */
public record FaceSample(String id, BufferedImage image, FaceLabels labels) {}
