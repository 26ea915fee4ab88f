package io.prosface.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.Task;
import java.util.List;
import java.util.Locale;

/** The gRPC side shared by the unary and streaming targets: the channel and the one request they send. */
final class GrpcRequests {

    private GrpcRequests() {}

    /**
     * Plaintext HTTP/2 to the server's HTTP port (the Vert.x gRPC server shares it); one connection, like real
     * clients. Callbacks run on the channel's Netty thread ({@code directExecutor}): they only complete a future, and
     * grpc-java's default hand-off to a cached thread pool cost the load generator a thread switch per message, CPU
     * taken from the server on a shared 2-core machine.
     */
    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("localhost", port)
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(16 << 20)
                .build();
    }

    static AnalyzeRequest analyzeRequest(TestImage image, List<String> tasks) {
        AnalyzeRequest.Builder request = AnalyzeRequest.newBuilder().setImage(ByteString.copyFrom(image.bytes()));
        if (image.box() != null) {
            int[] box = image.box();
            request.setFaceBox(BoundingBox.newBuilder()
                    .setX(box[0])
                    .setY(box[1])
                    .setWidth(box[2])
                    .setHeight(box[3]));
        }
        for (String task : tasks) {
            request.addTasks(Task.valueOf("TASK_" + task.toUpperCase(Locale.ROOT)));
        }
        return request.build();
    }

    /** Outcome code of a failed call: the gRPC status name, e.g. RESOURCE_EXHAUSTED. */
    static String code(Throwable failure) {
        return Status.fromThrowable(failure).getCode().name();
    }

    /** Outcome code of a failed stream frame (FrameError.code uses google.rpc.Code numbers). */
    static String code(int statusNumber) {
        return Status.fromCodeValue(statusNumber).getCode().name();
    }
}
