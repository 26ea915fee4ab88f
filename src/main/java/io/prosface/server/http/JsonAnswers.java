package io.prosface.server.http;

import io.prosface.core.data.FaceBox;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceResult;
import io.prosface.server.inference.analysis.RequestTiming;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link AnalysisResult} to the REST JSON shapes of {@link FaceJson}. */
final class JsonAnswers {

    private JsonAnswers() {}

    static FaceJson.Analysis toJson(AnalysisResult result) {
        List<FaceJson.Face> faces =
                result.faces().stream().map(JsonAnswers::toJson).toList();
        List<FaceJson.ResolvedHead> heads = new ArrayList<>();
        result.heads()
                .forEach((task, head) -> heads.add(new FaceJson.ResolvedHead(
                        task.label(), new FaceJson.HeadRef(head.name(), "v" + head.version()))));
        RequestTiming timing = result.timing();
        return new FaceJson.Analysis(
                faces,
                new FaceJson.ImageInfo(result.imageWidth(), result.imageHeight(), result.format()),
                new FaceJson.ModelVersion(result.backbone(), heads),
                new FaceJson.Timing(
                        millis(timing.decodeNanos()),
                        millis(timing.detectNanos()),
                        millis(timing.queueNanos()),
                        millis(timing.computeNanos()),
                        millis(timing.totalNanos())));
    }

    private static FaceJson.Face toJson(FaceResult face) {
        FaceBox box = face.box();
        Map<FaceTask, TaskOutput> outputs = face.outputs();
        return new FaceJson.Face(
                new FaceJson.Box(
                        Math.round(box.x()), Math.round(box.y()), Math.round(box.width()), Math.round(box.height())),
                face.detected() ? "detected" : "client",
                face.detectionScore(),
                attributes(outputs.get(FaceTask.ATTRIBUTES)),
                expression(outputs.get(FaceTask.EXPRESSION)),
                landmarks(outputs.get(FaceTask.LANDMARKS)),
                embedding(outputs.get(FaceTask.EMBEDDING)),
                regression(outputs.get(FaceTask.REGRESSION)),
                age(outputs.get(FaceTask.AGE)));
    }

    private static FaceJson.Attributes attributes(TaskOutput output) {
        return output == null ? null : new FaceJson.Attributes(labelled(output));
    }

    private static FaceJson.ExpressionResult expression(TaskOutput output) {
        if (output == null) {
            return null;
        }
        int best = argmax(output.values());
        return new FaceJson.ExpressionResult(output.labels().get(best), output.values()[best], labelled(output));
    }

    private static FaceJson.Landmarks landmarks(TaskOutput output) {
        if (output == null) {
            return null;
        }
        float[] values = output.values();
        List<FaceJson.Point> points = new ArrayList<>(values.length / 2);
        for (int index = 0; index + 1 < values.length; index += 2) {
            points.add(new FaceJson.Point(values[index], values[index + 1]));
        }
        return new FaceJson.Landmarks(points);
    }

    private static FaceJson.Embedding embedding(TaskOutput output) {
        return output == null ? null : new FaceJson.Embedding(output.values());
    }

    private static FaceJson.Regression regression(TaskOutput output) {
        if (output == null) {
            return null;
        }
        List<FaceJson.NamedValue> values = new ArrayList<>();
        for (int index = 0; index < output.labels().size(); index++) {
            values.add(new FaceJson.NamedValue(output.labels().get(index), output.values()[index]));
        }
        return new FaceJson.Regression(values);
    }

    /** The age head has one output: the age in years. */
    private static FaceJson.Age age(TaskOutput output) {
        return output == null ? null : new FaceJson.Age(output.values()[0]);
    }

    private static List<FaceJson.LabelProbability> labelled(TaskOutput output) {
        List<FaceJson.LabelProbability> labels = new ArrayList<>(output.labels().size());
        for (int index = 0; index < output.labels().size(); index++) {
            labels.add(new FaceJson.LabelProbability(output.labels().get(index), output.values()[index]));
        }
        return labels;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int index = 1; index < values.length; index++) {
            if (values[index] > values[best]) {
                best = index;
            }
        }
        return best;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
