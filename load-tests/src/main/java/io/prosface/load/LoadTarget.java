package io.prosface.load;

import java.util.concurrent.CompletableFuture;

/**
 * An API under load (a gRPC method, an HTTP route) seen as asynchronous calls. Calls travel on lanes: for unary gRPC
 * and HTTP a lane is only a handle, for AnalyzeStream it is one bidirectional stream, so the closed-loop and
 * open-loop runners need not know which protocol they drive.
 */
interface LoadTarget extends AutoCloseable {

    /** Protocol name as the report shows it: grpc-unary, grpc-stream, http. */
    String name();

    Lane openLane();

    @Override
    void close();

    /** Carries calls; {@link #call()} may be invoked from several threads. */
    interface Lane extends AutoCloseable {

        /** Starts one call. The future completes with the outcome code ({@link StepRecorder#OK} or an error code),
         *  never exceptionally. */
        CompletableFuture<String> call();

        @Override
        default void close() {}
    }
}
