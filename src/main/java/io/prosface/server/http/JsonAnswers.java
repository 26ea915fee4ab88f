package io.prosface.server.http;

import io.prosface.core.data.FaceBox;
import io.prosface.server.inference.AnalysisResult;
import io.prosface.server.inference.FaceResult;
import io.prosface.server.inference.FaceTask;
import io.prosface.server.inference.TaskOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link AnalysisResult} to the REST JSON shapes of {@link FaceJson}. */
final class JsonAnswers {

    private JsonAnswers() {}

    static FaceJson.Analysis toJson(AnalysisResult result) {
        List<FaceJson.Face> faces = new ArrayList<>(result.faces().size());
        for (FaceResult face : result.faces()) {
            faces.add(toJson(face));
        }
        return new FaceJson.Analysis(result.modelVersion(),
                new FaceJson.ImageSize(result.imageWidth(), result.imageHeight()), faces);
    }

    private static FaceJson.Face toJson(FaceResult face) {
        FaceBox box = face.box();
        Map<FaceTask, TaskOutput> outputs = face.outputs();
        return new FaceJson.Face(new FaceJson.Box(box.x(), box.y(), box.width(), box.height()),
                attributes(outputs.get(FaceTask.ATTRIBUTES)), expression(outputs.get(FaceTask.EXPRESSION)),
                landmarks(outputs.get(FaceTask.LANDMARKS)), embedding(outputs.get(FaceTask.EMBEDDING)));
    }

    private static FaceJson.Attributes attributes(TaskOutput output) {
        return output == null ? null : new FaceJson.Attributes(output.head(), byLabel(output));
    }

    private static FaceJson.ExpressionAnswer expression(TaskOutput output) {
        if (output == null) {
            return null;
        }
        int best = argmax(output.values());
        return new FaceJson.ExpressionAnswer(output.head(), output.labels().get(best), output.values()[best],
                byLabel(output));
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
        return new FaceJson.Landmarks(output.head(), points);
    }

    private static FaceJson.Embedding embedding(TaskOutput output) {
        return output == null ? null : new FaceJson.Embedding(output.head(), output.values());
    }

    private static Map<String, Float> byLabel(TaskOutput output) {
        Map<String, Float> values = new LinkedHashMap<>();
        for (int index = 0; index < output.labels().size(); index++) {
            values.put(output.labels().get(index), output.values()[index]);
        }
        return values;
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
}
