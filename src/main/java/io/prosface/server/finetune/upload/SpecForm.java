package io.prosface.server.finetune.upload;

import io.prosface.core.model.HeadKind;
import io.prosface.server.error.ServingException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The task spec of an upload from its form fields (docs/fine-tuning.md, "Upload"): {@code kind}, {@code head_name},
 * {@code classes} (or {@code labels}), {@code points}, and the optional training settings {@code epochs},
 * {@code learning_rate}, {@code batch_size}, {@code validation_split}, {@code unfrozen_blocks},
 * {@code augmented_views}, {@code seed}, {@code promote}, {@code crop}, read by the table of {@link FormOptions}.
 */
public final class SpecForm {

    /** Same rule as core's HeadConfig, checked here so the client gets a 400 and not a failed job. */
    private static final Pattern HEAD_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    /** The task kinds an upload may name, as the API spells them. */
    public static final List<String> KINDS = List.of("classification", "multilabel", "landmarks", "regression");

    private SpecForm() {}

    /**
     * The spec without its final labels (those may come from the manifest): {@link TaskSpec#labels()} holds the
     * labels the form declared, possibly none.
     */
    public static TaskSpec parse(Map<String, String> form, FormOptions trainingOptions) {
        String kindText = required(form, "kind").toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kindText)) {
            throw ServingException.invalidArgument(
                    "unknown task kind '" + form.get("kind") + "'; known: " + String.join(", ", KINDS));
        }
        HeadKind kind = HeadKind.valueOf(kindText.toUpperCase(Locale.ROOT));
        String headName = required(form, "head_name");
        if (!HEAD_NAME.matcher(headName).matches()) {
            throw ServingException.invalidArgument("head_name '" + headName
                    + "' must be 1-64 characters of a-z, 0-9, '_', '.', '-' starting with a letter or digit");
        }
        List<String> labels = list(form.getOrDefault("classes", form.get("labels")));
        if (kind == HeadKind.LANDMARKS) {
            int points = FormOptions.POINTS.readInteger(form);
            labels = points == 0
                    ? List.of()
                    : java.util.stream.IntStream.range(0, points)
                            .mapToObj(Integer::toString)
                            .toList();
        }
        TrainingOptions options = trainingOptions.read(form);
        return new TaskSpec(kind, headName, labels, options);
    }

    private static String required(Map<String, String> form, String field) {
        String value = form.get(field);
        if (value == null || value.isBlank()) {
            throw ServingException.invalidArgument("form field '" + field + "' is required");
        }
        return value.trim();
    }

    private static List<String> list(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> values = Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
        if (values.stream().distinct().count() != values.size()) {
            throw ServingException.invalidArgument("classes/labels has duplicates: " + values);
        }
        return values;
    }
}
