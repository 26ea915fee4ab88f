package io.prosface.server.inference.analysis;

import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadId;
import java.util.List;
import java.util.Map;

/**
 * @param faces one entry per face, largest first; empty when no face was found
 * @param backbone the backbone that answered, {@code architecture@hash}
 * @param heads the head that answered each requested task but the embedding
 * @param imageWidth decoded image width in pixels
 * @param imageHeight decoded image height in pixels
 * @param format the detected encoding: jpeg, png, bmp or webp
 * @param timing server-side durations
 */
public record AnalysisResult(
        List<FaceResult> faces,
        String backbone,
        Map<FaceTask, HeadId> heads,
        int imageWidth,
        int imageHeight,
        String format,
        RequestTiming timing) {}
