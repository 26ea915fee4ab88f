package io.prosface.server;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * A gRPC Analyze call written by a raw HTTP/2 client one small DATA frame at a time (what a hostile client may do),
 * and what the server's Vert.x event loops spend meanwhile (CPU time, bytes allocated). Test code only.
 */
final class SmallFrameGrpc {

    private SmallFrameGrpc() {}

    /**
     * Sends {@code message} as one gRPC message to pros.v1.FaceAnalysis/Analyze in DATA frames of {@code frame} bytes,
     * each written after the previous one is flushed (so Netty cannot merge them); completes with the answer's
     * grpc-status (from the headers of a trailers-only answer, or from the trailers).
     */
    static Future<String> analyze(HttpClient client, byte[] message, int frame) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI("/pros.v1.FaceAnalysis/Analyze")
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers");
        return client.request(options).compose(request -> {
            Future<String> answered = request.response()
                    .compose(response -> response.body().map(ignored -> {
                        String status = response.headers().get("grpc-status");
                        return status != null ? status : response.trailers().get("grpc-status");
                    }));
            request.setChunked(true);
            request.write(Buffer.buffer().appendByte((byte) 0).appendInt(message.length));
            writeFrom(request, message, 0, frame);
            return answered;
        });
    }

    private static void writeFrom(HttpClientRequest request, byte[] message, int offset, int frame) {
        if (offset >= message.length) {
            request.end();
            return;
        }
        int length = Math.min(frame, message.length - offset);
        request.write(Buffer.buffer().appendBytes(message, offset, length))
                .onSuccess(ignored -> writeFrom(request, message, offset + length, frame));
    }

    /** CPU time of every Vert.x event-loop thread so far. */
    static long eventLoopCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (isEventLoop(info)) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    /** Bytes allocated by every Vert.x event-loop thread so far (HotSpot's per-thread allocation counter). */
    static long eventLoopAllocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (isEventLoop(info)) {
                total += Math.max(0, threads.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return total;
    }

    private static boolean isEventLoop(ThreadInfo info) {
        return info != null && info.getThreadName().startsWith("vert.x-eventloop");
    }
}
