package io.prosface.server.inference;

import io.prosface.core.data.FaceBox;

/**
 * A face found by the detector.
 *
 * @param box in image pixels
 * @param score detector confidence, higher is surer, not a probability (Haar cascade: merged raw hits)
 */
public record DetectedFace(FaceBox box, float score) {
}
