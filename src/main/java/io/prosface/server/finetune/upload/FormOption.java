package io.prosface.server.finetune.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.prosface.server.error.ServingException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One optional field of the upload form: what {@code GET /v1/finetune/options} shows, and the rule that reads the
 * field from a form (absent or blank: the default; out of range: 400 naming the range). {@link FormOptions} holds the
 * table, so the numbers a form shows are the numbers the server enforces.
 *
 * @param type {@code integer}, {@code number}, {@code boolean} or {@code enum}
 * @param defaultValue the value a job gets when the field is left out; null when there is none
 * @param min smallest accepted value (integer and number only)
 * @param max largest accepted value (integer and number only)
 * @param values the accepted values of an enum, the default first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FormOption(
        String name,
        String type,
        @JsonProperty("default") Object defaultValue,
        Number min,
        Number max,
        List<String> values,
        String description) {

    static FormOption integer(String name, Integer defaultValue, int min, int max, String description) {
        return new FormOption(name, "integer", defaultValue, min, max, null, description);
    }

    static FormOption number(String name, double defaultValue, double min, double max, String description) {
        return new FormOption(name, "number", defaultValue, min, max, null, description);
    }

    static FormOption bool(String name, boolean defaultValue, String description) {
        return new FormOption(name, "boolean", defaultValue, null, null, null, description);
    }

    static FormOption choice(String name, List<String> values, String description) {
        return new FormOption(name, "enum", values.get(0), null, null, List.copyOf(values), description);
    }

    /** The field as an integer in [min, max]; the default when absent (0 when there is no default). */
    int readInteger(Map<String, String> form) {
        String text = form.get(name);
        if (text == null || text.isBlank()) {
            return defaultValue == null ? 0 : (Integer) defaultValue;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min.intValue() || value > max.intValue()) {
                throw outOfRange(Integer.toString(value));
            }
            return value;
        } catch (NumberFormatException bad) {
            throw ServingException.invalidArgument(name + " must be an integer, got '" + text + "'");
        }
    }

    /** The field as a number in [min, max]; the default when absent. */
    double readNumber(Map<String, String> form) {
        String text = form.get(name);
        if (text == null || text.isBlank()) {
            return (Double) defaultValue;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= min.doubleValue() && value <= max.doubleValue())) {
                throw outOfRange(text);
            }
            return value;
        } catch (NumberFormatException bad) {
            throw ServingException.invalidArgument(name + " must be a number, got '" + text + "'");
        }
    }

    /** true/1/yes or false/0/no; the default when absent. */
    boolean readBoolean(Map<String, String> form) {
        String text = form.get(name);
        if (text == null || text.isBlank()) {
            return (Boolean) defaultValue;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ServingException.invalidArgument(name + " must be true or false, got '" + text + "'");
        };
    }

    /** One of {@link #values} (case-insensitive); the default when absent. */
    String readChoice(Map<String, String> form) {
        String text = form.get(name);
        if (text == null || text.isBlank()) {
            return (String) defaultValue;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (!values.contains(value)) {
            throw ServingException.invalidArgument(
                    name + " must be one of '" + String.join("', '", values) + "', got '" + text + "'");
        }
        return value;
    }

    private ServingException outOfRange(String value) {
        return ServingException.invalidArgument(name + " must be in [" + min + ", " + max + "], got " + value);
    }
}
