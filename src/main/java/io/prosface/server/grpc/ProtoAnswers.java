package io.prosface.server.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.prosface.core.data.FaceBox;
import io.prosface.grpc.v1.AgeResult;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.AttributesResult;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.BoxSource;
import io.prosface.grpc.v1.EmbeddingResult;
import io.prosface.grpc.v1.ExpressionResult;
import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.ImageInfo;
import io.prosface.grpc.v1.LabelProbability;
import io.prosface.grpc.v1.LandmarksResult;
import io.prosface.grpc.v1.ModelVersion;
import io.prosface.grpc.v1.NamedValue;
import io.prosface.grpc.v1.Point;
import io.prosface.grpc.v1.RegressionResult;
import io.prosface.grpc.v1.ResolvedHead;
import io.prosface.grpc.v1.Timing;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceResult;
import io.prosface.server.inference.analysis.RequestTiming;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;

/**
 * {@link AnalysisResult} to pros.v1 messages. Every RPC's response has the same four fields (faces, image, model,
 * timing), so the single-task responses copy them from an {@link AnalyzeResponse}.
 */
final class ProtoAnswers {

    private static final Descriptors.Descriptor ANSWER_FIELDS = AnalyzeResponse.getDescriptor();

    private ProtoAnswers() {}

    /**
     * {@code answer} as the single-task RPC's response type, whose fields are AnalyzeResponse's own (same names and
     * types); every field is set, as the generated setters would.
     */
    @SuppressWarnings("unchecked")
    static <T extends Message> T as(T response, AnalyzeResponse answer) {
        Message.Builder builder = response.newBuilderForType();
        for (Descriptors.FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            builder.setField(field, answer.getField(ANSWER_FIELDS.findFieldByName(field.getName())));
        }
        return (T) builder.build();
    }

    static AnalyzeResponse toProto(AnalysisResult result) {
        AnalyzeResponse.Builder response = AnalyzeResponse.newBuilder();
        for (FaceResult face : result.faces()) {
            response.addFaces(toProto(face));
        }
        ModelVersion.Builder model = ModelVersion.newBuilder().setBackbone(result.backbone());
        result.heads()
                .forEach((task, head) -> model.addHeads(ResolvedHead.newBuilder()
                        .setTask(ProtoRequests.toProto(task))
                        .setHead(HeadRef.newBuilder().setName(head.name()).setVersion("v" + head.version()))));
        RequestTiming timing = result.timing();
        return response.setImage(ImageInfo.newBuilder()
                        .setWidth(result.imageWidth())
                        .setHeight(result.imageHeight())
                        .setFormat(result.format()))
                .setModel(model)
                .setTiming(Timing.newBuilder()
                        .setDecode(duration(timing.decodeNanos()))
                        .setDetect(duration(timing.detectNanos()))
                        .setQueue(duration(timing.queueNanos()))
                        .setCompute(duration(timing.computeNanos()))
                        .setTotal(duration(timing.totalNanos())))
                .build();
    }

    private static Face toProto(FaceResult result) {
        FaceBox box = result.box();
        Face.Builder face = Face.newBuilder()
                .setBox(BoundingBox.newBuilder()
                        .setX(Math.round(box.x()))
                        .setY(Math.round(box.y()))
                        .setWidth(Math.round(box.width()))
                        .setHeight(Math.round(box.height())))
                .setBoxSource(result.detected() ? BoxSource.BOX_SOURCE_DETECTED : BoxSource.BOX_SOURCE_CLIENT)
                .setDetectionScore(result.detectionScore());
        result.outputs().forEach((task, output) -> set(face, task, output));
        return face.build();
    }

    private static void set(Face.Builder face, FaceTask task, TaskOutput output) {
        float[] values = output.values();
        switch (task) {
            case ATTRIBUTES -> {
                AttributesResult.Builder attributes = AttributesResult.newBuilder();
                for (int index = 0; index < values.length; index++) {
                    attributes.addLabels(label(output, index));
                }
                face.setAttributes(attributes);
            }
            case EXPRESSION -> {
                ExpressionResult.Builder expression = ExpressionResult.newBuilder();
                int best = 0;
                for (int index = 0; index < values.length; index++) {
                    expression.addDistribution(label(output, index));
                    best = values[index] > values[best] ? index : best;
                }
                face.setExpression(
                        expression.setLabel(output.labels().get(best)).setProbability(values[best]));
            }
            case LANDMARKS -> {
                LandmarksResult.Builder landmarks = LandmarksResult.newBuilder();
                for (int index = 0; index + 1 < values.length; index += 2) {
                    landmarks.addPoints(Point.newBuilder().setX(values[index]).setY(values[index + 1]));
                }
                face.setLandmarks(landmarks);
            }
            case EMBEDDING -> {
                EmbeddingResult.Builder embedding = EmbeddingResult.newBuilder();
                for (float value : values) {
                    embedding.addValues(value);
                }
                face.setEmbedding(embedding);
            }
            case REGRESSION -> {
                RegressionResult.Builder regression = RegressionResult.newBuilder();
                for (int index = 0; index < values.length; index++) {
                    regression.addValues(NamedValue.newBuilder()
                            .setName(output.labels().get(index))
                            .setValue(values[index]));
                }
                face.setRegression(regression);
            }
            // the age head's one output, in years
            case AGE -> face.setAge(AgeResult.newBuilder().setYears(values[0]));
        }
    }

    private static LabelProbability label(TaskOutput output, int index) {
        return LabelProbability.newBuilder()
                .setLabel(output.labels().get(index))
                .setProbability(output.values()[index])
                .build();
    }

    private static Duration duration(long nanos) {
        return Duration.newBuilder()
                .setSeconds(nanos / 1_000_000_000L)
                .setNanos((int) (nanos % 1_000_000_000L))
                .build();
    }
}
