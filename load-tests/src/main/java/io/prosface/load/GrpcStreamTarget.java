package io.prosface.load;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeStreamRequest;
import io.prosface.grpc.v1.AnalyzeStreamResponse;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * FaceAnalysis.AnalyzeStream: each lane is one bidirectional stream, a call is one frame and its answer. The server
 * answers frames in request order, so answers complete the oldest waiting frame. A frame's own error counts by its
 * code; a failed stream fails its waiting frames and is opened again on the next frame, as a video client would.
 */
final class GrpcStreamTarget implements LoadTarget {

    private final ManagedChannel channel;
    private final FaceAnalysisGrpc.FaceAnalysisStub stub;
    private final AnalyzeRequest request;
    private final List<StreamLane> lanes = new ArrayList<>();

    GrpcStreamTarget(int port, AnalyzeRequest request) {
        this.channel = GrpcRequests.channel(port);
        this.stub = FaceAnalysisGrpc.newStub(channel);
        this.request = request;
    }

    @Override
    public String name() {
        return "grpc-stream";
    }

    @Override
    public synchronized Lane openLane() {
        StreamLane lane = new StreamLane();
        lanes.add(lane);
        return lane;
    }

    @Override
    public void close() {
        synchronized (this) {
            lanes.forEach(StreamLane::close);
        }
        channel.shutdownNow();
    }

    private final class StreamLane implements Lane {
        private final ArrayDeque<CompletableFuture<String>> waiting = new ArrayDeque<>();
        private StreamObserver<AnalyzeStreamRequest> frames;
        private long nextFrameId;

        @Override
        public synchronized CompletableFuture<String> call() {
            if (frames == null) {
                frames = stub.analyzeStream(new Answers());
            }
            CompletableFuture<String> outcome = new CompletableFuture<>();
            waiting.add(outcome);
            // StreamObserver is not thread-safe: sends are serialised by this lane's lock
            frames.onNext(AnalyzeStreamRequest.newBuilder()
                    .setFrameId(nextFrameId++)
                    .setRequest(request)
                    .build());
            return outcome;
        }

        private synchronized CompletableFuture<String> oldest() {
            return waiting.poll();
        }

        private synchronized List<CompletableFuture<String>> failStream() {
            frames = null;
            List<CompletableFuture<String>> failed = new ArrayList<>(waiting);
            waiting.clear();
            return failed;
        }

        @Override
        public synchronized void close() {
            if (frames != null) {
                frames.onCompleted();
                frames = null;
            }
        }

        private final class Answers implements StreamObserver<AnalyzeStreamResponse> {
            @Override
            public void onNext(AnalyzeStreamResponse answer) {
                CompletableFuture<String> outcome = oldest();
                if (outcome != null) {
                    outcome.complete(
                            answer.hasError()
                                    ? GrpcRequests.code(answer.getError().getCode())
                                    : StepRecorder.OK);
                }
            }

            @Override
            public void onError(Throwable failure) {
                String code = "stream-" + GrpcRequests.code(failure);
                failStream().forEach(outcome -> outcome.complete(code));
            }

            @Override
            public void onCompleted() {
                failStream().forEach(outcome -> outcome.complete("stream-ended-early"));
            }
        }
    }
}
