package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadChoice;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One image to analyse, as both APIs hand it to {@link FaceAnalyzer}.
 *
 * @param image encoded bytes (JPEG, PNG, BMP, WebP)
 * @param box the face, in image pixels; empty: the server detects faces
 * @param tasks what to answer for each face
 * @param heads heads the client chose; tasks without one use their default head
 * @param maxFaces most faces answered, largest first; 0 means the configured default
 * @param deadlineNanos absolute {@link System#nanoTime()} after which the answer is DEADLINE_EXCEEDED
 * @param optionalTasks those of {@code tasks} that are left out, not refused, when the served model has no head for
 *     them (a request without tasks gets {@link #DEFAULT_TASKS}, age only when the model has an age head)
 */
public record AnalysisRequest(
        byte[] image,
        Optional<FaceBox> box,
        Set<FaceTask> tasks,
        List<HeadChoice> heads,
        int maxFaces,
        long deadlineNanos,
        Set<FaceTask> optionalTasks) {

    /** What a request that names no task gets: everything but regression (which needs a head chosen for it). */
    public static final Set<FaceTask> DEFAULT_TASKS = Collections.unmodifiableSet(
            EnumSet.of(FaceTask.ATTRIBUTES, FaceTask.EXPRESSION, FaceTask.LANDMARKS, FaceTask.EMBEDDING, FaceTask.AGE));

    /** Of the default tasks, those answered only when the served model has a head for them. */
    public static final Set<FaceTask> OPTIONAL_DEFAULT_TASKS = Collections.unmodifiableSet(EnumSet.of(FaceTask.AGE));

    /** A request whose every task is required. */
    public AnalysisRequest(
            byte[] image,
            Optional<FaceBox> box,
            Set<FaceTask> tasks,
            List<HeadChoice> heads,
            int maxFaces,
            long deadlineNanos) {
        this(image, box, tasks, heads, maxFaces, deadlineNanos, Set.of());
    }

    /** This request without the optional tasks that {@code served} rejects. */
    AnalysisRequest withoutUnserved(Predicate<FaceTask> served) {
        if (optionalTasks.stream().allMatch(served)) {
            return this;
        }
        Set<FaceTask> kept = EnumSet.noneOf(FaceTask.class);
        tasks.stream()
                .filter(task -> !optionalTasks.contains(task) || served.test(task))
                .forEach(kept::add);
        return new AnalysisRequest(image, box, kept, heads, maxFaces, deadlineNanos, Set.of());
    }
}
