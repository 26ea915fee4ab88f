package io.prosface.server.grpc;

import io.prosface.core.model.HeadKind;
import io.prosface.grpc.v1.HeadType;
import io.prosface.server.error.ServingException;
import java.util.Locale;

/** Core head kinds as the APIs name them (proto {@code HeadType}): built-in kinds map to their generic type. */
public final class ProtoKinds {

    private ProtoKinds() {}

    static HeadType type(HeadKind kind) {
        return switch (kind) {
            case CLASSIFICATION, EXPRESSION -> HeadType.HEAD_TYPE_CLASSIFICATION;
            case MULTILABEL, ATTRIBUTES -> HeadType.HEAD_TYPE_MULTILABEL;
            case LANDMARKS -> HeadType.HEAD_TYPE_LANDMARKS;
            case REGRESSION -> HeadType.HEAD_TYPE_REGRESSION;
        };
    }

    public static String typeName(HeadKind kind) {
        return type(kind).name().substring("HEAD_TYPE_".length()).toLowerCase(Locale.ROOT);
    }

    /** The kinds a listing filter selects; null for "all". */
    static java.util.Set<HeadKind> kinds(HeadType type) {
        return switch (type) {
            case HEAD_TYPE_UNSPECIFIED -> null;
            case HEAD_TYPE_CLASSIFICATION -> java.util.EnumSet.of(HeadKind.CLASSIFICATION, HeadKind.EXPRESSION);
            case HEAD_TYPE_MULTILABEL -> java.util.EnumSet.of(HeadKind.MULTILABEL, HeadKind.ATTRIBUTES);
            case HEAD_TYPE_LANDMARKS -> java.util.EnumSet.of(HeadKind.LANDMARKS);
            case HEAD_TYPE_REGRESSION -> java.util.EnumSet.of(HeadKind.REGRESSION);
            case UNRECOGNIZED -> throw ServingException.invalidArgument("unknown head type");
        };
    }

    /** "classification" etc. (HTTP filter) to kinds; null or empty: all. */
    public static java.util.Set<HeadKind> kinds(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return kinds(HeadType.valueOf("HEAD_TYPE_" + text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            throw ServingException.invalidArgument("unknown head type '" + text
                    + "'; known: classification, multilabel, landmarks, regression");
        }
    }
}
