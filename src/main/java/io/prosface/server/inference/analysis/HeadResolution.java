package io.prosface.server.inference.analysis;

import io.prosface.server.error.ServingException;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadChoice;
import io.prosface.server.inference.registry.HeadSelector;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import java.util.EnumMap;
import java.util.Map;

/** Turns a request's head choices into retained heads, one per requested task that needs a head. */
public final class HeadResolution {

    private HeadResolution() {}

    /**
     * Resolves and retains now, so an unknown head is refused before any work; the caller releases every returned
     * head when the request is answered. NOT_FOUND for unknown heads, INVALID_ARGUMENT for misfits.
     */
    public static Map<FaceTask, LoadedHead> retain(ModelRegistry registry, AnalysisRequest request) {
        Map<FaceTask, HeadSelector> chosen = new EnumMap<>(FaceTask.class);
        for (HeadChoice choice : request.heads()) {
            FaceTask task = choice.task() != null ? choice.task() : taskOfNamedHead(registry, choice.selector());
            if (choice.task() == null
                    && task == FaceTask.REGRESSION
                    && !request.tasks().contains(FaceTask.REGRESSION)
                    && request.tasks().contains(FaceTask.AGE)) {
                // REST's untyped head=: a regression head in a request for age (and not regression) is meant for age
                task = FaceTask.AGE;
            }
            if (task == FaceTask.EMBEDDING) {
                throw ServingException.invalidArgument("the embedding comes from the backbone; it takes no head");
            }
            if (!request.tasks().contains(task)) {
                throw ServingException.invalidArgument("head " + choice.selector() + " is for " + task.label()
                        + ", which this request does not ask for");
            }
            if (chosen.put(task, choice.selector()) != null) {
                throw ServingException.invalidArgument("two heads given for " + task.label());
            }
        }
        Map<FaceTask, LoadedHead> heads = new EnumMap<>(FaceTask.class);
        try {
            for (FaceTask task : request.tasks()) {
                if (task != FaceTask.EMBEDDING) {
                    heads.put(task, registry.retain(task, chosen.get(task)));
                }
            }
        } catch (RuntimeException failure) {
            heads.values().forEach(registry::release);
            throw failure;
        }
        return heads;
    }

    private static FaceTask taskOfNamedHead(ModelRegistry registry, HeadSelector selector) {
        return registry.heads().stream()
                .filter(head -> head.name().equals(selector.name()))
                .findFirst()
                .map(LoadedHead::task)
                .orElseThrow(() -> ServingException.notFound("unknown head '" + selector + "'; loaded: "
                        + registry.heads().stream().map(LoadedHead::key).toList()));
    }
}
