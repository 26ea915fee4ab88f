package io.prosface.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.AnalyzeStreamRequest;
import io.prosface.grpc.v1.AnalyzeStreamResponse;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.EmbedRequest;
import io.prosface.grpc.v1.EmbedResponse;
import io.prosface.grpc.v1.FrameError;
import io.prosface.grpc.v1.HeadRef;
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
import io.prosface.server.inference.analysis.AnalysisCalls;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceAnalyzer;
import io.prosface.server.inference.analysis.RequestMetrics;
import io.prosface.server.inference.registry.FaceTask;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pros.v1.FaceAnalysis service: a thin adapter over {@link FaceAnalyzer} (unary calls through
 * {@link AnalysisCalls}). Methods run on the Vert.x event loop only long enough to validate and hand the request off;
 * the answer comes back asynchronously and is written from the call's own event loop again. Failures become statuses in
 * {@link io.prosface.server.error.GrpcErrorHandler}.
 */
@GrpcService
public class FaceAnalysisService extends MutinyFaceAnalysisGrpc.FaceAnalysisImplBase {

    private static final String API = "grpc";

    private final AnalysisCalls calls;
    private final FaceAnalyzer analyzer;
    private final RequestMetrics metrics;
    private final ErrorMapper errorMapper;
    private final InferenceConfig config;

    @Inject
    FaceAnalysisService(
            AnalysisCalls calls,
            FaceAnalyzer analyzer,
            RequestMetrics metrics,
            ErrorMapper errorMapper,
            InferenceConfig config) {
        this.calls = calls;
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
        return calls.analyze(API, "Analyze", () -> ProtoRequests.analyze(request, deadline()), ProtoAnswers::toProto);
    }

    @Override
    public Uni<PredictAttributesResponse> predictAttributes(PredictAttributesRequest request) {
        return single(
                "PredictAttributes",
                FaceTask.ATTRIBUTES,
                request.getImage(),
                request.hasFaceBox(),
                request.getFaceBox(),
                request.getMaxFaces(),
                request.hasHead(),
                request.getHead(),
                PredictAttributesResponse.getDefaultInstance());
    }

    @Override
    public Uni<PredictExpressionResponse> predictExpression(PredictExpressionRequest request) {
        return single(
                "PredictExpression",
                FaceTask.EXPRESSION,
                request.getImage(),
                request.hasFaceBox(),
                request.getFaceBox(),
                request.getMaxFaces(),
                request.hasHead(),
                request.getHead(),
                PredictExpressionResponse.getDefaultInstance());
    }

    @Override
    public Uni<PredictLandmarksResponse> predictLandmarks(PredictLandmarksRequest request) {
        return single(
                "PredictLandmarks",
                FaceTask.LANDMARKS,
                request.getImage(),
                request.hasFaceBox(),
                request.getFaceBox(),
                request.getMaxFaces(),
                request.hasHead(),
                request.getHead(),
                PredictLandmarksResponse.getDefaultInstance());
    }

    @Override
    public Uni<PredictAgeResponse> predictAge(PredictAgeRequest request) {
        return single(
                "PredictAge",
                FaceTask.AGE,
                request.getImage(),
                request.hasFaceBox(),
                request.getFaceBox(),
                request.getMaxFaces(),
                request.hasHead(),
                request.getHead(),
                PredictAgeResponse.getDefaultInstance());
    }

    @Override
    public Uni<EmbedResponse> embed(EmbedRequest request) {
        return single(
                "Embed",
                FaceTask.EMBEDDING,
                request.getImage(),
                request.hasFaceBox(),
                request.getFaceBox(),
                request.getMaxFaces(),
                false,
                null,
                EmbedResponse.getDefaultInstance());
    }

    /** A single-task RPC: one task and its optional head, answered as {@code response}'s type. */
    private <T extends Message> Uni<T> single(
            String method,
            FaceTask task,
            ByteString image,
            boolean hasBox,
            BoundingBox box,
            int maxFaces,
            boolean hasHead,
            HeadRef head,
            T response) {
        return calls.analyze(
                API,
                method,
                () -> ProtoRequests.single(task, image.toByteArray(), hasBox, box, maxFaces, hasHead, head, deadline()),
                result -> ProtoAnswers.as(response, ProtoAnswers.toProto(result)));
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
        Multi<AnalyzeStreamResponse> answers = OrderedWindow.apply(
                requests, config.streamWindow(), frame -> frame(frame, sequence.getAndIncrement(), streamDeadline));
        Executor eventLoop = AnalysisCalls.callContext();
        return eventLoop == null ? answers : answers.emitOn(eventLoop);
    }

    private CompletableFuture<AnalyzeStreamResponse> frame(
            AnalyzeStreamRequest frame, long sequence, OptionalLong streamDeadline) {
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
            AnalyzeStreamResponse.Builder response = AnalyzeStreamResponse.newBuilder()
                    .setFrameId(frame.getFrameId())
                    .setSequence(sequence);
            if (failure == null) {
                metrics.ok(API, "AnalyzeStream");
                return response.setResponse(ProtoAnswers.toProto(analysis)).build();
            }
            metrics.failed(API, "AnalyzeStream", failure);
            ErrorCode code = errorMapper.code(failure);
            boolean streamOver = code == ErrorCode.UNAVAILABLE
                    || code == ErrorCode.DEADLINE_EXCEEDED
                            && streamDeadline.isPresent()
                            && System.nanoTime() - streamDeadline.getAsLong() >= 0;
            if (streamOver) {
                throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
            }
            ApiError error = errorMapper.map(failure);
            return response.setError(FrameError.newBuilder()
                            .setCode(code.grpcCode().value())
                            .setMessage(error.message()))
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

    /** The client's gRPC deadline, or the configured default. */
    private long deadline() {
        return GrpcDeadlines.currentDeadlineNanos().orElseGet(calls::defaultDeadlineNanos);
    }
}
