package io.prosface.server.grpc;

import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.AnalyzeStreamRequest;
import io.prosface.grpc.v1.AnalyzeStreamResponse;
import io.prosface.grpc.v1.EmbedRequest;
import io.prosface.grpc.v1.EmbedResponse;
import io.prosface.grpc.v1.FrameError;
import io.prosface.grpc.v1.MutinyFaceAnalysisGrpc;
import io.prosface.grpc.v1.PredictAgeRequest;
import io.prosface.grpc.v1.PredictAgeResponse;
import io.prosface.grpc.v1.PredictAttributesRequest;
import io.prosface.grpc.v1.PredictAttributesResponse;
import io.prosface.grpc.v1.PredictExpressionRequest;
import io.prosface.grpc.v1.PredictExpressionResponse;
import io.prosface.grpc.v1.PredictLandmarksRequest;
import io.prosface.grpc.v1.PredictLandmarksResponse;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.error.ApiError;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.analysis.AnalysisRequest;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceAnalyzer;
import io.prosface.server.inference.analysis.FaceTask;
import io.prosface.server.inference.RequestMetrics;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The pros.v1.FaceAnalysis service: a thin adapter over {@link FaceAnalyzer}. Methods run on the Vert.x event loop
 * only long enough to validate and hand the request off; the answer comes back asynchronously and is written from
 * the call's own event loop again. Failures become statuses in {@link io.prosface.server.error.GrpcErrorHandler}.
 */
@GrpcService
public class FaceAnalysisService extends MutinyFaceAnalysisGrpc.FaceAnalysisImplBase {

    private static final String API = "grpc";

    private final FaceAnalyzer analyzer;
    private final RequestMetrics metrics;
    private final ErrorMapper errorMapper;
    private final InferenceConfig config;

    @Inject
    FaceAnalysisService(
            FaceAnalyzer analyzer,
            RequestMetrics metrics,
            ErrorMapper errorMapper,
            InferenceConfig config) {
        this.analyzer = analyzer;
        this.metrics = metrics;
        this.errorMapper = errorMapper;
        this.config = config;
    }

    /**
     * The generated definition, except that AnalyzeStream's frames are parsed by {@link StreamFrameDecoding}: a frame
     * whose message does not decode is answered with an error instead of being dropped by the transport. (This is why
     * the service extends the generated base class rather than implementing the service interface.)
     */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return StreamFrameDecoding.lenient(super.bindService());
    }

    @Override
    public Uni<AnalyzeResponse> analyze(AnalyzeRequest request) {
        return call("Analyze", () -> ProtoRequests.analyze(request, deadline()), ProtoAnswers::toProto);
    }

    @Override
    public Uni<PredictAttributesResponse> predictAttributes(PredictAttributesRequest request) {
        return call("PredictAttributes", () -> ProtoRequests.single(FaceTask.ATTRIBUTES, request.getImage().toByteArray(),
                request.hasFaceBox(), request.getFaceBox(), request.getMaxFaces(), request.hasHead(), request.getHead(),
                deadline()), result -> {
                    AnalyzeResponse answer = ProtoAnswers.toProto(result);
                    return PredictAttributesResponse.newBuilder().addAllFaces(answer.getFacesList())
                            .setImage(answer.getImage()).setModel(answer.getModel()).setTiming(answer.getTiming()).build();
                });
    }

    @Override
    public Uni<PredictExpressionResponse> predictExpression(PredictExpressionRequest request) {
        return call("PredictExpression", () -> ProtoRequests.single(FaceTask.EXPRESSION, request.getImage().toByteArray(),
                request.hasFaceBox(), request.getFaceBox(), request.getMaxFaces(), request.hasHead(), request.getHead(),
                deadline()), result -> {
                    AnalyzeResponse answer = ProtoAnswers.toProto(result);
                    return PredictExpressionResponse.newBuilder().addAllFaces(answer.getFacesList())
                            .setImage(answer.getImage()).setModel(answer.getModel()).setTiming(answer.getTiming()).build();
                });
    }

    @Override
    public Uni<PredictLandmarksResponse> predictLandmarks(PredictLandmarksRequest request) {
        return call("PredictLandmarks", () -> ProtoRequests.single(FaceTask.LANDMARKS, request.getImage().toByteArray(),
                request.hasFaceBox(), request.getFaceBox(), request.getMaxFaces(), request.hasHead(), request.getHead(),
                deadline()), result -> {
                    AnalyzeResponse answer = ProtoAnswers.toProto(result);
                    return PredictLandmarksResponse.newBuilder().addAllFaces(answer.getFacesList())
                            .setImage(answer.getImage()).setModel(answer.getModel()).setTiming(answer.getTiming()).build();
                });
    }

    @Override
    public Uni<PredictAgeResponse> predictAge(PredictAgeRequest request) {
        return call("PredictAge", () -> ProtoRequests.single(FaceTask.AGE, request.getImage().toByteArray(),
                request.hasFaceBox(), request.getFaceBox(), request.getMaxFaces(), request.hasHead(), request.getHead(),
                deadline()), result -> {
                    AnalyzeResponse answer = ProtoAnswers.toProto(result);
                    return PredictAgeResponse.newBuilder().addAllFaces(answer.getFacesList())
                            .setImage(answer.getImage()).setModel(answer.getModel()).setTiming(answer.getTiming()).build();
                });
    }

    @Override
    public Uni<EmbedResponse> embed(EmbedRequest request) {
        return call("Embed", () -> ProtoRequests.single(FaceTask.EMBEDDING, request.getImage().toByteArray(),
                request.hasFaceBox(), request.getFaceBox(), request.getMaxFaces(), false, null, deadline()), result -> {
                    AnalyzeResponse answer = ProtoAnswers.toProto(result);
                    return EmbedResponse.newBuilder().addAllFaces(answer.getFacesList())
                            .setImage(answer.getImage()).setModel(answer.getModel()).setTiming(answer.getTiming()).build();
                });
    }

    /**
     * Frames are answered in order with at most {@code pros.inference.stream-window} in progress (it reads the next
     * frame only when a slot is free and the client reads answers). A failing frame is answered with its error and the
     * stream goes on; the stream itself ends on UNAVAILABLE or when its own deadline passes.
     */
    @Override
    public Multi<AnalyzeStreamResponse> analyzeStream(Multi<AnalyzeStreamRequest> requests) {
        OptionalLong streamDeadline = GrpcDeadlines.currentDeadlineNanos();
        // frames arrive one at a time (onNext is serial), in stream order: the counter is each one's position
        AtomicLong sequence = new AtomicLong();
        Multi<AnalyzeStreamResponse> answers = OrderedWindow.apply(requests, config.streamWindow(),
                frame -> frame(frame, sequence.getAndIncrement(), streamDeadline));
        Executor eventLoop = callContext();
        return eventLoop == null ? answers : answers.emitOn(eventLoop);
    }

    private CompletableFuture<AnalyzeStreamResponse> frame(AnalyzeStreamRequest frame, long sequence,
            OptionalLong streamDeadline) {
        long frameDeadline = analyzer.defaultDeadlineNanos();
        if (streamDeadline.isPresent() && streamDeadline.getAsLong() - frameDeadline < 0) {
            frameDeadline = streamDeadline.getAsLong();
        }
        long deadline = frameDeadline;
        CompletableFuture<AnalysisResult> result;
        try {
            Optional<String> undecodable = StreamFrameDecoding.decodeFailure(frame);
            if (undecodable.isPresent()) {
                throw ServingException.invalidArgument("request " + sequence + " of the stream does not decode as "
                        + "pros.v1.AnalyzeStreamRequest: " + undecodable.get());
            }
            result = analyzer.analyze(ProtoRequests.analyze(frame.getRequest(), deadline));
        } catch (RuntimeException refused) {
            result = CompletableFuture.failedFuture(refused);
        }
        CompletableFuture<AnalysisResult> work = result;
        CompletableFuture<AnalyzeStreamResponse> answer = work.handle((analysis, failure) -> {
            AnalyzeStreamResponse.Builder response = AnalyzeStreamResponse.newBuilder().setFrameId(frame.getFrameId())
                    .setSequence(sequence);
            if (failure == null) {
                metrics.ok(API, "AnalyzeStream");
                return response.setResponse(ProtoAnswers.toProto(analysis)).build();
            }
            metrics.failed(API, "AnalyzeStream", failure);
            ErrorCode code = errorMapper.code(failure);
            boolean streamOver = code == ErrorCode.UNAVAILABLE || code == ErrorCode.DEADLINE_EXCEEDED
                    && streamDeadline.isPresent() && System.nanoTime() - streamDeadline.getAsLong() >= 0;
            if (streamOver) {
                throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
            }
            ApiError error = errorMapper.map(failure);
            return response.setError(FrameError.newBuilder().setCode(code.grpcCode().value()).setMessage(error.message()))
                    .build();
        });
        // the stream was cancelled: drop the frame's queued faces too
        answer.whenComplete((response, failure) -> {
            if (answer.isCancelled()) {
                work.cancel(false);
            }
        });
        return answer;
    }

    private <T> Uni<T> call(String method, Supplier<AnalysisRequest> request, Function<AnalysisResult, T> toAnswer) {
        CompletableFuture<AnalysisResult> result;
        try {
            result = analyzer.analyze(request.get());
        } catch (RuntimeException refused) {
            result = CompletableFuture.failedFuture(refused);
        }
        // back on the call's event loop before building the response: the inference worker that completed the
        // future goes straight back to batching
        Uni<AnalysisResult> analysis = Uni.createFrom().completionStage(result);
        Executor eventLoop = callContext();
        if (eventLoop != null) {
            analysis = analysis.emitOn(eventLoop);
        }
        return analysis.map(toAnswer).onItemOrFailure().invoke((item, failure) -> {
            if (failure == null) {
                metrics.ok(API, method);
            } else {
                metrics.failed(API, method, failure);
            }
        });
    }

    /** The client's gRPC deadline, or the configured default. */
    private long deadline() {
        return GrpcDeadlines.currentDeadlineNanos().orElseGet(analyzer::defaultDeadlineNanos);
    }

    /** Runs continuations on the call's event loop, where the response must be written. */
    private static Executor callContext() {
        Context context = Vertx.currentContext();
        return context == null ? null : task -> context.runOnContext(ignored -> task.run());
    }
}
