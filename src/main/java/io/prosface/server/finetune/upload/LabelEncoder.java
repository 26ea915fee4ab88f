package io.prosface.server.finetune.upload;

import io.prosface.core.model.HeadKind;
import io.prosface.server.error.ServingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns manifest labels into numeric targets for the task, checking them against the declared outputs. Every error
 * names the manifest line. The outputs are the declared ones, or, when the form declared none, the sorted distinct
 * classes/tags of the manifest, its CSV/JSON output names (regression), or its point count (landmarks).
 */
public final class LabelEncoder {

    /** The final outputs and one target per manifest row (same order). */
    record Encoded(List<String> labels, List<float[]> targets) {}

    /** Longest output name (class, tag, regression output); the job and head records store every name. */
    public static final int MAX_LABEL_CHARACTERS = 200;
    /**
     * Most characters of all output names together: the job's spec and the head's label list are stored as JSON in
     * columns of 100,000 characters (V1__finetune_jobs_and_heads.sql), and JSON may double a name's quotes.
     */
    static final int MAX_LABELS_CHARACTERS = 40_000;

    private LabelEncoder() {}

    static Encoded encode(TaskSpec spec, Manifest manifest) {
        List<String> labels = spec.labels().isEmpty() ? inferLabels(spec.kind(), manifest) : spec.labels();
        checkNames(labels);
        List<float[]> targets = new ArrayList<>();
        for (Manifest.Row row : manifest.rows()) {
            targets.add(target(spec.kind(), labels, row));
        }
        checkCoverage(spec.kind(), labels, targets);
        return new Encoded(labels, targets);
    }

    private static List<String> inferLabels(HeadKind kind, Manifest manifest) {
        return switch (kind) {
            case CLASSIFICATION, MULTILABEL -> {
                TreeSet<String> distinct = new TreeSet<>();
                manifest.rows()
                        .forEach(row ->
                                row.fields().stream().filter(f -> !f.isEmpty()).forEach(distinct::add));
                yield List.copyOf(distinct);
            }
            case REGRESSION ->
                !manifest.columns().isEmpty()
                        ? manifest.columns()
                        : manifest.rows().get(0).fields().size() == 1
                                ? List.of("value")
                                : java.util.stream.IntStream.range(
                                                0,
                                                manifest.rows().get(0).fields().size())
                                        .mapToObj(i -> "value" + i)
                                        .toList();
            case LANDMARKS -> {
                int values = manifest.rows().get(0).fields().size();
                if (values < 2 || values % 2 != 0) {
                    throw ServingException.invalidArgument(
                            "manifest line " + manifest.rows().get(0).line() + ": landmarks need x,y pairs, found "
                                    + values + " values");
                }
                yield java.util.stream.IntStream.range(0, values / 2)
                        .mapToObj(Integer::toString)
                        .toList();
            }
            default -> throw new IllegalArgumentException(kind + " is not a few-shot kind");
        };
    }

    private static float[] target(HeadKind kind, List<String> labels, Manifest.Row row) {
        List<String> fields = row.fields();
        return switch (kind) {
            case CLASSIFICATION -> {
                if (fields.size() != 1 || fields.get(0).isEmpty()) {
                    throw bad(row, "expected exactly one class, found " + fields);
                }
                int index = labels.indexOf(fields.get(0));
                if (index < 0) {
                    throw bad(row, "label '" + shown(fields.get(0)) + "' is not one of the classes " + labels);
                }
                yield new float[] {index};
            }
            case MULTILABEL -> {
                float[] tags = new float[labels.size()];
                for (String tag : fields) {
                    int index = labels.indexOf(tag);
                    if (index < 0) {
                        throw bad(row, "label '" + shown(tag) + "' is not one of the labels " + labels);
                    }
                    tags[index] = 1;
                }
                yield tags;
            }
            case REGRESSION -> numbers(row, labels.size(), "outputs " + labels);
            case LANDMARKS -> numbers(row, 2 * labels.size(), labels.size() + " points (x,y pairs)");
            default -> throw new IllegalArgumentException(kind + " is not a few-shot kind");
        };
    }

    private static float[] numbers(Manifest.Row row, int count, String what) {
        if (row.fields().size() != count) {
            throw bad(
                    row,
                    "expected " + count + " numbers for " + what + ", found "
                            + row.fields().size());
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            String text = row.fields().get(i);
            try {
                values[i] = Float.parseFloat(text);
            } catch (NumberFormatException notNumber) {
                throw bad(row, "'" + shown(text) + "' is not a number");
            }
            if (!Float.isFinite(values[i])) {
                throw bad(row, "'" + text + "' is not a finite number");
            }
        }
        return values;
    }

    /** Classification needs two classes and an example of each declared class; multilabel at least one tag. */
    private static void checkCoverage(HeadKind kind, List<String> labels, List<float[]> targets) {
        if (kind == HeadKind.CLASSIFICATION) {
            if (labels.size() < 2) {
                throw ServingException.invalidArgument("classification needs at least 2 classes, got " + labels);
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            labels.forEach(label -> counts.put(label, 0));
            targets.forEach(target -> counts.merge(labels.get((int) target[0]), 1, Integer::sum));
            List<String> missing = counts.entrySet().stream()
                    .filter(e -> e.getValue() == 0)
                    .map(Map.Entry::getKey)
                    .toList();
            if (!missing.isEmpty()) {
                throw ServingException.invalidArgument("no example of class(es) " + missing);
            }
        }
        if (kind == HeadKind.MULTILABEL && labels.isEmpty()) {
            throw ServingException.invalidArgument("multilabel needs at least one label");
        }
    }

    /** Every name fits the stores: checked before any label is compared, so no message repeats a huge one. */
    private static void checkNames(List<String> labels) {
        long total = 0;
        for (String label : labels) {
            if (label.length() > MAX_LABEL_CHARACTERS) {
                throw ServingException.invalidArgument("label '" + shown(label) + "' is " + label.length()
                        + " characters long, limit " + MAX_LABEL_CHARACTERS);
            }
            if (label.chars().anyMatch(Character::isISOControl)) {
                throw ServingException.invalidArgument("label '" + shown(label) + "' contains a control character");
            }
            total += label.length();
        }
        if (total > MAX_LABELS_CHARACTERS) {
            throw ServingException.invalidArgument(
                    labels.size() + " labels of " + total + " characters together, limit " + MAX_LABELS_CHARACTERS);
        }
    }

    /** A label as an error message shows it: long ones cut, so the message stays readable. */
    static String shown(String label) {
        return label.length() <= 40 ? label : label.substring(0, 32) + "...";
    }

    private static ServingException bad(Manifest.Row row, String detail) {
        return ServingException.invalidArgument("manifest line " + row.line() + " (" + row.image() + "): " + detail);
    }
}
