package io.prosface.server;

import io.grpc.MethodDescriptor;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * pros.v1.FaceAnalysis/Analyze (and AnalyzeStream) with requests and answers as raw bytes, so a test can send bytes no
 * client would.
 */
final class RawAnalyze {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException unreadable) {
                throw new UncheckedIOException(unreadable);
            }
        }
    };

    /** The Analyze method (same name and type as the generated stub's) over raw bytes. */
    static final MethodDescriptor<byte[], byte[]> METHOD =
            FaceAnalysisGrpc.getAnalyzeMethod().toBuilder(BYTES, BYTES).build();

    /** The AnalyzeStream method over raw bytes: each frame is sent as given. */
    static final MethodDescriptor<byte[], byte[]> STREAM =
            FaceAnalysisGrpc.getAnalyzeStreamMethod().toBuilder(BYTES, BYTES).build();

    private RawAnalyze() {}
}
