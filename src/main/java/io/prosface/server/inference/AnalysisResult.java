package io.prosface.server.inference;

import java.util.List;

/**
 * @param faces one entry per face, largest first; empty when no face was found
 * @param modelVersion the checkpoint that answered
 * @param imageWidth decoded image width in pixels
 * @param imageHeight decoded image height in pixels
 */
public record AnalysisResult(List<FaceResult> faces, String modelVersion, int imageWidth, int imageHeight) {
}
