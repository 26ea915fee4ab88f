package io.prosface.server.grpc;

import io.prosface.core.data.FaceBox;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.Task;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.analysis.AnalysisRequest;
import io.prosface.server.inference.analysis.ClientBoxes;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadChoice;
import io.prosface.server.inference.registry.HeadSelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** pros.v1 request messages to the service's {@link AnalysisRequest}. */
final class ProtoRequests {

    private ProtoRequests() {}

    static AnalysisRequest analyze(AnalyzeRequest request, long deadlineNanos) {
        // no tasks: the defaults, age among them only when the served model has an age head
        boolean defaults = request.getTasksCount() == 0;
        Set<FaceTask> tasks = defaults ? AnalysisRequest.DEFAULT_TASKS : tasks(request.getTasksList());
        List<HeadChoice> heads = new ArrayList<>();
        addHead(heads, FaceTask.ATTRIBUTES, request.hasAttributesHead(), request.getAttributesHead());
        addHead(heads, FaceTask.EXPRESSION, request.hasExpressionHead(), request.getExpressionHead());
        addHead(heads, FaceTask.LANDMARKS, request.hasLandmarksHead(), request.getLandmarksHead());
        addHead(heads, FaceTask.REGRESSION, request.hasRegressionHead(), request.getRegressionHead());
        addHead(heads, FaceTask.AGE, request.hasAgeHead(), request.getAgeHead());
        return new AnalysisRequest(
                request.getImage().toByteArray(),
                box(request.hasFaceBox(), request.getFaceBox()),
                tasks,
                heads,
                request.getMaxFaces(),
                deadlineNanos,
                defaults ? AnalysisRequest.OPTIONAL_DEFAULT_TASKS : Set.of());
    }

    /** The single-task RPCs: one task and its optional head. */
    static AnalysisRequest single(
            FaceTask task,
            byte[] image,
            boolean hasBox,
            BoundingBox box,
            int maxFaces,
            boolean hasHead,
            HeadRef head,
            long deadlineNanos) {
        List<HeadChoice> heads = new ArrayList<>();
        addHead(heads, task, hasHead, head);
        return new AnalysisRequest(image, box(hasBox, box), EnumSet.of(task), heads, maxFaces, deadlineNanos);
    }

    private static Set<FaceTask> tasks(List<Task> tasks) {
        Set<FaceTask> parsed = EnumSet.noneOf(FaceTask.class);
        for (Task task : tasks) {
            parsed.add(
                    switch (task) {
                        case TASK_ATTRIBUTES -> FaceTask.ATTRIBUTES;
                        case TASK_EXPRESSION -> FaceTask.EXPRESSION;
                        case TASK_LANDMARKS -> FaceTask.LANDMARKS;
                        case TASK_EMBEDDING -> FaceTask.EMBEDDING;
                        case TASK_REGRESSION -> FaceTask.REGRESSION;
                        case TASK_AGE -> FaceTask.AGE;
                        case TASK_UNSPECIFIED, UNRECOGNIZED ->
                            throw ServingException.invalidArgument("tasks contains " + task
                                    + "; use TASK_ATTRIBUTES, TASK_EXPRESSION, TASK_LANDMARKS, "
                                    + "TASK_EMBEDDING, TASK_REGRESSION or TASK_AGE");
                    });
        }
        return parsed;
    }

    static Task toProto(FaceTask task) {
        return switch (task) {
            case ATTRIBUTES -> Task.TASK_ATTRIBUTES;
            case EXPRESSION -> Task.TASK_EXPRESSION;
            case LANDMARKS -> Task.TASK_LANDMARKS;
            case EMBEDDING -> Task.TASK_EMBEDDING;
            case REGRESSION -> Task.TASK_REGRESSION;
            case AGE -> Task.TASK_AGE;
        };
    }

    private static void addHead(List<HeadChoice> heads, FaceTask task, boolean present, HeadRef head) {
        if (present) {
            HeadSelector selector = HeadSelector.of(head.getName(), head.getVersion());
            if (selector != null) {
                heads.add(new HeadChoice(task, selector));
            }
        }
    }

    private static Optional<FaceBox> box(boolean present, BoundingBox box) {
        return present
                ? Optional.of(ClientBoxes.checked(box.getX(), box.getY(), box.getWidth(), box.getHeight()))
                : Optional.empty();
    }
}
