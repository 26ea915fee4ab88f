package io.prosface.load;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** FaceAnalysis.Analyze, unary, with the scenario's deadline on every call. */
final class GrpcUnaryTarget implements LoadTarget {

    private final ManagedChannel channel;
    private final FaceAnalysisGrpc.FaceAnalysisStub stub;
    private final AnalyzeRequest request;
    private final long deadlineMillis;

    GrpcUnaryTarget(int port, AnalyzeRequest request, Duration deadline) {
        this.channel = GrpcRequests.channel(port);
        this.stub = FaceAnalysisGrpc.newStub(channel);
        this.request = request;
        this.deadlineMillis = deadline.toMillis();
    }

    @Override
    public String name() {
        return "grpc-unary";
    }

    /** The first answer, for the pre-flight check (how many faces the server found). */
    AnalyzeResponse probe() {
        return FaceAnalysisGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .analyze(request);
    }

    @Override
    public Lane openLane() {
        return () -> {
            CompletableFuture<String> outcome = new CompletableFuture<>();
            stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).analyze(request, new StreamObserver<>() {
                @Override
                public void onNext(AnalyzeResponse response) {}

                @Override
                public void onError(Throwable failure) {
                    outcome.complete(GrpcRequests.code(failure));
                }

                @Override
                public void onCompleted() {
                    outcome.complete(StepRecorder.OK);
                }
            });
            return outcome;
        };
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
