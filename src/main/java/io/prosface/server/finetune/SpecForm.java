package io.prosface.server.finetune;

import io.prosface.core.model.HeadKind;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.error.ServingException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The task spec of an upload from its form fields (README "Fine-tuning"): {@code kind}, {@code head_name},
 * {@code classes} (or {@code labels}), {@code points}, and the optional training settings {@code epochs},
 * {@code learning_rate}, {@code batch_size}, {@code validation_split}, {@code unfrozen_blocks},
 * {@code augmented_views}, {@code seed}, {@code promote}, {@code crop}.
 */
public final class SpecForm {

    /** Same rule as core's HeadConfig, checked here so the client gets a 400 and not a failed job. */
    private static final Pattern HEAD_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final List<String> KINDS = List.of("classification", "multilabel", "landmarks", "regression");

    private SpecForm() {}

    /**
     * The spec without its final labels (those may come from the manifest): {@link TaskSpec#labels()} holds the
     * labels the form declared, possibly none.
     */
    public static TaskSpec parse(Map<String, String> form, FineTuneConfig.Defaults defaults) {
        String kindText = required(form, "kind").toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kindText)) {
            throw ServingException.invalidArgument("unknown task kind '" + form.get("kind") + "'; known: "
                    + String.join(", ", KINDS));
        }
        HeadKind kind = HeadKind.valueOf(kindText.toUpperCase(Locale.ROOT));
        String headName = required(form, "head_name");
        if (!HEAD_NAME.matcher(headName).matches()) {
            throw ServingException.invalidArgument("head_name '" + headName
                    + "' must be 1-64 characters of a-z, 0-9, '_', '.', '-' starting with a letter or digit");
        }
        List<String> labels = list(form.getOrDefault("classes", form.get("labels")));
        if (kind == HeadKind.LANDMARKS) {
            int points = integer(form, "points", 0, 1, 500);
            labels = points == 0 ? List.of() : java.util.stream.IntStream.range(0, points)
                    .mapToObj(Integer::toString).toList();
        }
        TrainingOptions options = new TrainingOptions(
                integer(form, "epochs", defaults.epochs(), 1, 2000),
                decimal(form, "learning_rate", defaults.learningRate(), 1e-6, 1.0),
                integer(form, "batch_size", defaults.batchSize(), 1, 512),
                decimal(form, "validation_split", defaults.validationSplit(), 0.0, 0.5),
                integer(form, "unfrozen_blocks", 0, 0, 64),
                integer(form, "augmented_views", defaults.augmentedViews(), 0, 8),
                integer(form, "seed", 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
                bool(form, "promote", true),
                crop(form.getOrDefault("crop", "detect")));
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
        List<String> values = Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
        if (values.stream().distinct().count() != values.size()) {
            throw ServingException.invalidArgument("classes/labels has duplicates: " + values);
        }
        return values;
    }

    private static int integer(Map<String, String> form, String field, int fallback, int min, int max) {
        String text = form.get(field);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw ServingException.invalidArgument(field + " must be in [" + min + ", " + max + "], got " + value);
            }
            return value;
        } catch (NumberFormatException bad) {
            throw ServingException.invalidArgument(field + " must be an integer, got '" + text + "'");
        }
    }

    private static double decimal(Map<String, String> form, String field, double fallback, double min, double max) {
        String text = form.get(field);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= min && value <= max)) {
                throw ServingException.invalidArgument(field + " must be in [" + min + ", " + max + "], got " + text);
            }
            return value;
        } catch (NumberFormatException bad) {
            throw ServingException.invalidArgument(field + " must be a number, got '" + text + "'");
        }
    }

    private static boolean bool(Map<String, String> form, String field, boolean fallback) {
        String text = form.get(field);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ServingException.invalidArgument(field + " must be true or false, got '" + text + "'");
        };
    }

    private static boolean crop(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "detect" -> true;
            case "none" -> false;
            default -> throw ServingException.invalidArgument("crop must be 'detect' or 'none', got '" + text + "'");
        };
    }
}
