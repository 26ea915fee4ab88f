package io.prosface.server.render;

import io.prosface.server.inference.analysis.FaceResult;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The few lines of text drawn next to a face, most important first (a caption short of room drops lines from the
 * end): the top expression with its probability, the age, each regression output, and the (at most three) most
 * probable attributes above 0.5. A line answered by a head other than the
 * task's built-in one (a few-shot head chosen with {@code head}) starts with that head's name.
 */
final class AnswerCaptions {

    /** Most attributes listed; more would not fit above a face. */
    static final int MAX_ATTRIBUTES = 3;
    /** An attribute is listed only when the head thinks it more likely present than not. */
    static final float ATTRIBUTE_THRESHOLD = 0.5f;

    private AnswerCaptions() {}

    /** Lines for one face, top to bottom; empty when the face has no task with a readable answer. */
    static List<String> of(FaceResult face, Map<FaceTask, HeadId> heads) {
        List<String> lines = new ArrayList<>();
        Map<FaceTask, TaskOutput> outputs = face.outputs();
        TaskOutput expression = outputs.get(FaceTask.EXPRESSION);
        if (expression != null && expression.values().length > 0) {
            int best = IntStream.range(0, expression.values().length)
                    .reduce((a, b) -> expression.values()[b] > expression.values()[a] ? b : a)
                    .getAsInt();
            lines.add(prefix(FaceTask.EXPRESSION, heads)
                    + readable(expression.labels().get(best)) + " "
                    + percent(expression.values()[best]));
        }
        TaskOutput age = outputs.get(FaceTask.AGE);
        if (age != null && age.values().length > 0) {
            lines.add(prefix(FaceTask.AGE, heads) + "age " + Math.round(age.values()[0]));
        }
        TaskOutput regression = outputs.get(FaceTask.REGRESSION);
        if (regression != null) {
            List<String> values = new ArrayList<>();
            for (int index = 0; index < regression.values().length; index++) {
                String name =
                        index < regression.labels().size() ? regression.labels().get(index) : "#" + index;
                values.add(readable(name) + " "
                        + String.format(Locale.ROOT, "%.3g", regression.values()[index]));
            }
            HeadId head = heads.get(FaceTask.REGRESSION);
            lines.add((head != null ? head.name() + ": " : "") + String.join(", ", values));
        }
        TaskOutput attributes = outputs.get(FaceTask.ATTRIBUTES);
        if (attributes != null) {
            List<String> likely = IntStream.range(0, attributes.values().length)
                    .filter(index -> attributes.values()[index] > ATTRIBUTE_THRESHOLD)
                    .boxed()
                    .sorted(Comparator.comparingDouble(index -> -attributes.values()[index]))
                    .limit(MAX_ATTRIBUTES)
                    .map(index -> readable(attributes.labels().get(index)) + " "
                            + percent(attributes.values()[index]))
                    .toList();
            // one per line: a caption as narrow as the face reads better than one line wider than the picture
            String prefix = prefix(FaceTask.ATTRIBUTES, heads);
            likely.forEach(attribute -> lines.add(prefix + attribute));
        }
        return lines;
    }

    /** "name: " for a head that is not the task's built-in one (whose name is the task's), else nothing. */
    private static String prefix(FaceTask task, Map<FaceTask, HeadId> heads) {
        HeadId head = heads.get(task);
        String builtIn = task == FaceTask.AGE ? FaceTask.AGE_HEAD : task.label();
        return head == null || head.name().equals(builtIn) ? "" : head.name() + ": ";
    }

    /** CelebA names use underscores ("Wearing_Hat"); a picture reads better with spaces. */
    private static String readable(String label) {
        return label.replace('_', ' ');
    }

    private static String percent(float probability) {
        return Math.round(probability * 100) + "%";
    }
}
