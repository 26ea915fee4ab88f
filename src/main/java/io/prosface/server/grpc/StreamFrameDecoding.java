package io.prosface.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.prosface.grpc.v1.AnalyzeStreamRequest;
import io.prosface.grpc.v1.AnalyzeStreamResponse;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lets AnalyzeStream answer a frame whose message does not decode. The Vert.x gRPC bridge parses each message with
 * the method's request marshaller and, when protobuf refuses the bytes, drops the message (the parser's exception
 * goes to the event loop's log) and reads on: the service never hears of the frame, and the client waits for an
 * answer that never comes. Here AnalyzeStream's marshaller never fails: bytes that do not decode become a frame that
 * carries the parser's reason in an unknown field no client sets ({@link #MARKER}; a decoded message has it removed),
 * plus the {@code frame_id} when it could be read before the broken part, and the service answers that frame with a
 * {@code FrameError} like any other failed frame.
 */
final class StreamFrameDecoding {

    /** The highest field number protobuf allows: never in the .proto, so only this class sets it. */
    static final int MARKER = 536_870_911;

    private StreamFrameDecoding() {}

    /** {@code definition} with AnalyzeStream's request marshaller replaced by {@link #FRAMES}; nothing else changes. */
    static ServerServiceDefinition lenient(ServerServiceDefinition definition) {
        ServiceDescriptor original = definition.getServiceDescriptor();
        String streamMethod = FaceAnalysisGrpc.getAnalyzeStreamMethod().getFullMethodName();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor()); // server reflection still describes the service
        for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
            ServerMethodDefinition<?, ?> bound =
                    method.getMethodDescriptor().getFullMethodName().equals(streamMethod)
                            ? withFrameMarshaller(cast(method))
                            : method;
            descriptor.addMethod(bound.getMethodDescriptor());
            methods.add(bound);
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    /** The parser's reason when {@code frame} stands for a message that did not decode. */
    static Optional<String> decodeFailure(AnalyzeStreamRequest frame) {
        UnknownFieldSet.Field marker = frame.getUnknownFields().getField(MARKER);
        return marker.getLengthDelimitedList().isEmpty()
                ? Optional.empty()
                : Optional.of(marker.getLengthDelimitedList().get(0).toStringUtf8());
    }

    /** Parses like protobuf's own marshaller (the image's bytes alias the message buffer), but never throws. */
    static final MethodDescriptor.Marshaller<AnalyzeStreamRequest> FRAMES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(AnalyzeStreamRequest value) {
            return new ByteArrayInputStream(value.toByteArray());
        }

        @Override
        public AnalyzeStreamRequest parse(InputStream stream) {
            byte[] bytes;
            try {
                bytes = stream.readAllBytes();
            } catch (IOException unreadable) {
                throw new UncheckedIOException(unreadable);
            }
            CodedInputStream input = CodedInputStream.newInstance(bytes);
            input.enableAliasing(true);
            try {
                AnalyzeStreamRequest frame = AnalyzeStreamRequest.parser().parseFrom(input);
                return frame.getUnknownFields().hasField(MARKER) ? withoutMarker(frame) : frame;
            } catch (InvalidProtocolBufferException broken) {
                long frameId = broken.getUnfinishedMessage() instanceof AnalyzeStreamRequest partial
                        ? partial.getFrameId()
                        : 0;
                String reason = broken.getMessage() == null ? "invalid protobuf" : broken.getMessage();
                return AnalyzeStreamRequest.newBuilder()
                        .setFrameId(frameId)
                        .setUnknownFields(UnknownFieldSet.newBuilder()
                                .addField(
                                        MARKER,
                                        UnknownFieldSet.Field.newBuilder()
                                                .addLengthDelimited(ByteString.copyFrom(reason, StandardCharsets.UTF_8))
                                                .build())
                                .build())
                        .build();
            }
        }
    };

    private static AnalyzeStreamRequest withoutMarker(AnalyzeStreamRequest frame) {
        UnknownFieldSet.Builder rest = UnknownFieldSet.newBuilder();
        frame.getUnknownFields().asMap().forEach((number, field) -> {
            if (number != MARKER) {
                rest.addField(number, field);
            }
        });
        return frame.toBuilder().setUnknownFields(rest.build()).build();
    }

    private static ServerMethodDefinition<AnalyzeStreamRequest, AnalyzeStreamResponse> withFrameMarshaller(
            ServerMethodDefinition<AnalyzeStreamRequest, AnalyzeStreamResponse> method) {
        MethodDescriptor<AnalyzeStreamRequest, AnalyzeStreamResponse> descriptor =
                method.getMethodDescriptor().toBuilder()
                        .setRequestMarshaller(FRAMES)
                        .build();
        return ServerMethodDefinition.create(descriptor, method.getServerCallHandler());
    }

    @SuppressWarnings("unchecked")
    private static ServerMethodDefinition<AnalyzeStreamRequest, AnalyzeStreamResponse> cast(
            ServerMethodDefinition<?, ?> method) {
        return (ServerMethodDefinition<AnalyzeStreamRequest, AnalyzeStreamResponse>) method;
    }
}
