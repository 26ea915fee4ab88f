package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;

/**
 * A face found by the detector.
 *
 * @param box in image pixels, as the detector drew it (what the APIs report)
 * @param cropBox the box the face is cut around for the models: the square its landmarks span
 *     ({@link io.prosface.detect.LandmarkSquare}), which is how training frames every face
 * @param score detector confidence, higher is surer, not a probability (Haar cascade: merged raw hits)
 */
public record DetectedFace(FaceBox box, FaceBox cropBox, float score) {}
