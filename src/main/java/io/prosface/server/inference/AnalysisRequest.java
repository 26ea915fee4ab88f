package io.prosface.server.inference;

import io.prosface.core.data.FaceBox;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One image to analyse, as both APIs hand it to {@link FaceAnalyzer}.
 *
 * @param image encoded bytes (JPEG, PNG, BMP, WebP)
 * @param box the face, in image pixels; empty: the server detects faces
 * @param tasks what to answer for each face
 * @param heads heads the client chose; tasks without one use their default head
 * @param maxFaces most faces answered, largest first; 0 means the configured default
 * @param deadlineNanos absolute {@link System#nanoTime()} after which the answer is DEADLINE_EXCEEDED
 */
public record AnalysisRequest(byte[] image, Optional<FaceBox> box, Set<FaceTask> tasks, List<HeadChoice> heads,
        int maxFaces, long deadlineNanos) {
}
