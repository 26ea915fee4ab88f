package io.prosface.server.inference.analysis;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One answered call, whatever the transport (REST, gRPC, v2 on either): the request is built and handed off (a
 * refusal while building it fails the answer like any other failure), the result is shaped into the transport's
 * answer back on the caller's Vert.x context (not on the inference worker that completed it, which goes straight back
 * to batching), and the call is counted in {@link RequestMetrics} under its API and method. Cancelling the answer
 * (the client went away) cancels the work, which drops faces still queued.
 */
@ApplicationScoped
public class AnalysisCalls {

    private final FaceAnalyzer analyzer;
    private final RequestMetrics metrics;

    @Inject
    AnalysisCalls(FaceAnalyzer analyzer, RequestMetrics metrics) {
        this.analyzer = analyzer;
        this.metrics = metrics;
    }

    /** The deadline of a call whose client set none. */
    public long defaultDeadlineNanos() {
        return analyzer.defaultDeadlineNanos();
    }

    /** One {@link FaceAnalyzer} analysis, its result shaped by {@code toAnswer}. */
    public <T> Uni<T> analyze(
            String api, String method, Supplier<AnalysisRequest> request, Function<AnalysisResult, T> toAnswer) {
        return answer(api, method, () -> analyzer.analyze(request.get()), toAnswer);
    }

    /** Any asynchronous inference work (v2's batches of analyses), its result shaped by {@code toAnswer}. */
    public <R, T> Uni<T> answer(
            String api, String method, Supplier<CompletableFuture<R>> work, Function<R, T> toAnswer) {
        CompletableFuture<R> result;
        try {
            result = work.get();
        } catch (RuntimeException refused) {
            result = CompletableFuture.failedFuture(refused);
        }
        Uni<R> done = Uni.createFrom().completionStage(result);
        Executor context = callContext();
        if (context != null) {
            done = done.emitOn(context);
        }
        return done.map(toAnswer).onItemOrFailure().invoke((answer, failure) -> {
            if (failure == null) {
                metrics.ok(api, method);
            } else {
                metrics.failed(api, method, failure);
            }
        });
    }

    /** Runs continuations on the calling request's Vert.x context, where its answer must be written; null off it. */
    public static Executor callContext() {
        Context context = Vertx.currentContext();
        return context == null ? null : task -> context.runOnContext(ignored -> task.run());
    }
}
