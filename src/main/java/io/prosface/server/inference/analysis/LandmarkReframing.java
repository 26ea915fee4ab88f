package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;
import io.prosface.core.data.PreparedFace;
import io.prosface.server.inference.batching.Batched;
import io.prosface.server.inference.engine.FaceInput;
import io.prosface.server.inference.engine.FaceOutputs;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.LoadedHead;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Serving as the model was trained: training cuts every face around the box its 68 landmarks span, but a detected
 * face's box is only estimated from the detector's ({@link io.prosface.detect.LandmarkSquare}) and a client's box is
 * whatever the client drew (an aligned crop's whole image, say). So a face goes through the model twice: the first
 * pass predicts its landmarks, and the face is cut again around the box those points span, which is what the second
 * pass (every requested task) sees. Costs one more backbone pass per face ({@code pros.inference.reframe-faces}
 * turns it off).
 */
final class LandmarkReframing {

    /** A re-framed box smaller than this many pixels is not trusted (the first crop stays). */
    private static final float MIN_SIDE = 4f;

    private LandmarkReframing() {}

    /**
     * The first pass over every face; completes with each face's predicted points in image pixels. {@code pending}
     * receives the first-pass futures so a caller that gives up can cancel them.
     */
    static CompletableFuture<List<float[]>> firstPass(
            InferenceEngine engine,
            LoadedHead landmarks,
            List<PreparedFace> faces,
            long deadlineNanos,
            List<CompletableFuture<Batched<FaceOutputs>>> pending) {
        Map<FaceTask, LoadedHead> heads = new EnumMap<>(FaceTask.class);
        heads.put(FaceTask.LANDMARKS, landmarks);
        for (int i = 0; i < faces.size(); i++) {
            // an internal pass: the per-head metrics count the second pass's answer, not this one
            FaceInput input = new FaceInput(faces.get(i).pixels(), Set.of(FaceTask.LANDMARKS), heads, false);
            pending.add(engine.submit(input, deadlineNanos));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<float[]> points = new ArrayList<>(faces.size());
                    for (int i = 0; i < faces.size(); i++) {
                        points.add(faces.get(i)
                                .crop()
                                .normalizedToImage(pending.get(i)
                                        .join()
                                        .output()
                                        .outputs()
                                        .get(FaceTask.LANDMARKS)
                                        .values()));
                    }
                    return points;
                });
    }

    /** The faces cut again around their first-pass points where those give a usable box (the others as they were). */
    static List<PreparedFace> recut(
            List<PreparedFace> faces, List<float[]> points, Function<FaceBox, PreparedFace> recut) {
        List<PreparedFace> result = new ArrayList<>(faces);
        for (int i = 0; i < faces.size(); i++) {
            FaceBox box = points.get(i) == null ? null : boxOf(points.get(i));
            if (box != null) {
                result.set(i, recut.apply(box));
            }
        }
        return result;
    }

    /** The box {@code points} span, or null when they give no usable box. */
    static FaceBox boxOf(float[] points) {
        for (float value : points) {
            if (!Float.isFinite(value)) {
                return null;
            }
        }
        FaceBox box = FaceBox.enclosing(points);
        return box.width() < MIN_SIDE || box.height() < MIN_SIDE ? null : box;
    }
}
