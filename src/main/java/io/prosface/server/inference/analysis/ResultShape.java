package io.prosface.server.inference.analysis;

import io.prosface.core.data.DecodedImage;
import io.prosface.core.data.PreparedFace;
import io.prosface.server.inference.batching.Batched;
import io.prosface.server.inference.engine.FaceOutputs;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What every face's answer shares, and the assembling of the answer from the faces' outputs; {@code image} maps
 * decoded pixels back to the full-size upright image.
 */
record ResultShape(
        String backbone,
        Map<FaceTask, HeadId> heads,
        DecodedImage image,
        String format,
        long decodeNanos,
        long detectNanos,
        long startedNanos) {

    /**
     * The answer of the request: per face (in {@code candidates} order) its result, and the request's timing, whose
     * queue and compute are those of the face that waited (or computed) longest.
     */
    AnalysisResult answer(List<Candidate> candidates, List<PreparedFace> faces, List<Batched<FaceOutputs>> outputs) {
        List<FaceResult> results = new ArrayList<>(faces.size());
        long queue = 0;
        long compute = 0;
        for (int index = 0; index < faces.size(); index++) {
            Batched<FaceOutputs> batched = outputs.get(index);
            queue = Math.max(queue, batched.queueNanos());
            compute = Math.max(compute, batched.computeNanos());
            results.add(toResult(candidates.get(index), faces.get(index), batched.output(), image));
        }
        RequestTiming timing =
                new RequestTiming(decodeNanos, detectNanos, queue, compute, System.nanoTime() - startedNanos);
        return new AnalysisResult(results, backbone, heads, image.width(), image.height(), format, timing);
    }

    /**
     * Landmarks come out in [0,1] of the model input square; clients want pixels of the image they sent (upright,
     * full size).
     */
    private static FaceResult toResult(
            Candidate candidate, PreparedFace face, FaceOutputs outputs, DecodedImage image) {
        Map<FaceTask, TaskOutput> mapped = new EnumMap<>(FaceTask.class);
        outputs.outputs()
                .forEach((task, output) -> mapped.put(
                        task,
                        task == FaceTask.LANDMARKS
                                ? new TaskOutput(
                                        output.head(),
                                        output.labels(),
                                        image.toFullSize(face.crop().normalizedToImage(output.values())))
                                : output));
        return new FaceResult(candidate.reportedBox(), candidate.detected(), candidate.score(), mapped);
    }
}
