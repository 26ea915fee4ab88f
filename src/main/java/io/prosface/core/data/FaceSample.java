package io.prosface.core.data;

import java.awt.image.BufferedImage;

/**
 * One face image with its labels.
 *
 * @param id stable identifier (a file name or a generator seed)
 * @param image the pixels
 * @param labels what is known about the face
 */
public record FaceSample(String id, BufferedImage image, FaceLabels labels) {
}
