package io.prosface.server.v2;

import io.prosface.grpc.inference.ModelInferRequest;
import io.prosface.grpc.inference.ModelInferResponse;
import io.prosface.grpc.inference.ModelMetadataRequest;
import io.prosface.grpc.inference.ModelMetadataResponse;
import io.prosface.grpc.inference.ModelReadyRequest;
import io.prosface.grpc.inference.ModelReadyResponse;
import io.prosface.grpc.inference.MutinyGRPCInferenceServiceGrpc;
import io.prosface.grpc.inference.ServerLiveRequest;
import io.prosface.grpc.inference.ServerLiveResponse;
import io.prosface.grpc.inference.ServerMetadataRequest;
import io.prosface.grpc.inference.ServerMetadataResponse;
import io.prosface.grpc.inference.ServerReadyRequest;
import io.prosface.grpc.inference.ServerReadyResponse;
import io.prosface.server.grpc.GrpcDeadlines;
import io.prosface.server.inference.analysis.AnalysisCalls;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * {@code inference.GRPCInferenceService}, the Open Inference Protocol v2 over gRPC, on the HTTP port beside pros.v1:
 * a thin adapter over {@link V2Inference}. Failures become statuses in
 * {@link io.prosface.server.error.GrpcErrorHandler} (unknown model: NOT_FOUND, bad tensors: INVALID_ARGUMENT, not
 * ready: UNAVAILABLE).
 */
@GrpcService
public class V2GrpcService extends MutinyGRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final String API = "grpc";

    private final V2Inference inference;
    private final V2Models models;
    private final V2Health health;
    private final AnalysisCalls calls;

    @Inject
    V2GrpcService(V2Inference inference, V2Models models, V2Health health, AnalysisCalls calls) {
        this.inference = inference;
        this.models = models;
        this.health = health;
        this.calls = calls;
    }

    @Override
    public Uni<ServerLiveResponse> serverLive(ServerLiveRequest request) {
        return Uni.createFrom()
                .item(() ->
                        ServerLiveResponse.newBuilder().setLive(health.live()).build());
    }

    @Override
    public Uni<ServerReadyResponse> serverReady(ServerReadyRequest request) {
        return Uni.createFrom()
                .item(() -> ServerReadyResponse.newBuilder()
                        .setReady(health.ready())
                        .build());
    }

    @Override
    public Uni<ModelReadyResponse> modelReady(ModelReadyRequest request) {
        return Uni.createFrom()
                .item(() -> ModelReadyResponse.newBuilder()
                        .setReady(health.modelReady(request.getName(), request.getVersion()))
                        .build());
    }

    @Override
    public Uni<ServerMetadataResponse> serverMetadata(ServerMetadataRequest request) {
        return Uni.createFrom()
                .item(() -> ServerMetadataResponse.newBuilder()
                        .setName(V2Health.SERVER_NAME)
                        .setVersion(health.version())
                        .build());
    }

    @Override
    public Uni<ModelMetadataResponse> modelMetadata(ModelMetadataRequest request) {
        return Uni.createFrom().item(() -> V2ProtoCodec.metadata(models.find(request.getName(), request.getVersion())));
    }

    @Override
    public Uni<ModelInferResponse> modelInfer(ModelInferRequest request) {
        long deadline = GrpcDeadlines.currentDeadlineNanos().orElseGet(calls::defaultDeadlineNanos);
        return calls.answer(
                API,
                "v2.ModelInfer",
                () -> inference.infer(V2ProtoCodec.decode(request), deadline),
                V2ProtoCodec::encode);
    }
}
