package io.prosface.server.finetune.heads;

import io.prosface.core.model.HeadKind;
import io.prosface.server.error.ServingException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * How every API names heads, whatever the transport: a version as {@code "v3"} (or {@code "3"}), and a kind by its
 * generic type ({@code classification}, {@code multilabel}, {@code landmarks}, {@code regression}; built-in kinds map
 * to theirs, as proto {@code HeadType} does).
 */
public final class HeadRefs {

    private HeadRefs() {}

    /** "v3" or "3"; anything else is INVALID_ARGUMENT. */
    public static int version(String text) {
        String digits = text.startsWith("v") || text.startsWith("V") ? text.substring(1) : text;
        try {
            int version = Integer.parseInt(digits);
            if (version < 1) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException bad) {
            throw ServingException.invalidArgument("head version must look like 'v3', got '" + text + "'");
        }
    }

    /** The generic type a kind is listed under: "classification", "multilabel", "landmarks" or "regression". */
    public static String typeName(HeadKind kind) {
        return switch (kind) {
            case CLASSIFICATION, EXPRESSION -> "classification";
            case MULTILABEL, ATTRIBUTES -> "multilabel";
            case LANDMARKS -> "landmarks";
            case REGRESSION -> "regression";
        };
    }

    /** The kinds a listing filter by type name selects; null, empty or "unspecified": null, for all. */
    public static Set<HeadKind> kinds(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "UNSPECIFIED" -> null;
            case "CLASSIFICATION" -> EnumSet.of(HeadKind.CLASSIFICATION, HeadKind.EXPRESSION);
            case "MULTILABEL" -> EnumSet.of(HeadKind.MULTILABEL, HeadKind.ATTRIBUTES);
            case "LANDMARKS" -> EnumSet.of(HeadKind.LANDMARKS);
            case "REGRESSION" -> EnumSet.of(HeadKind.REGRESSION);
            default ->
                throw ServingException.invalidArgument(
                        "unknown head type '" + text + "'; known: classification, multilabel, landmarks, regression");
        };
    }
}
