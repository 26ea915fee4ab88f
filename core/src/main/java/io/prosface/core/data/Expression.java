package io.prosface.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The 7 basic expressions, in the class order every expression head and data set of this project uses. */
public enum Expression {
    NEUTRAL,
    HAPPINESS,
    SADNESS,
    SURPRISE,
    FEAR,
    DISGUST,
    ANGER;

    /** Lower-case label as written in {@code expressions.csv} and answered by the server. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Class labels in index order. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(Expression::label).toList();
    }

    /** Parses a label case-insensitively; unknown labels are an error naming the label. */
    public static Expression fromLabel(String label) {
        String wanted = label.trim().toUpperCase(Locale.ROOT);
        for (Expression expression : values()) {
            if (expression.name().equals(wanted)) {
                return expression;
            }
        }
        throw new IllegalArgumentException("unknown expression '" + label + "'; known: " + labels());
    }
}
