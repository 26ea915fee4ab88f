package io.prosface.server.grpc;

import io.prosface.core.model.HeadKind;
import io.prosface.grpc.v1.HeadType;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.heads.HeadRefs;
import java.util.Set;

/**
 * Core head kinds as proto {@code HeadType}: built-in kinds map to their generic type, the one
 * {@link HeadRefs#typeName} names for the HTTP API.
 */
final class ProtoKinds {

    private static final String PREFIX = "HEAD_TYPE_";

    private ProtoKinds() {}

    static HeadType type(HeadKind kind) {
        return switch (kind) {
            case CLASSIFICATION, EXPRESSION -> HeadType.HEAD_TYPE_CLASSIFICATION;
            case MULTILABEL, ATTRIBUTES -> HeadType.HEAD_TYPE_MULTILABEL;
            case LANDMARKS -> HeadType.HEAD_TYPE_LANDMARKS;
            case REGRESSION -> HeadType.HEAD_TYPE_REGRESSION;
        };
    }

    /** The kinds a listing filter selects; null for "all". */
    static Set<HeadKind> kinds(HeadType type) {
        if (type == HeadType.UNRECOGNIZED) {
            throw ServingException.invalidArgument("unknown head type");
        }
        return HeadRefs.kinds(type.name().substring(PREFIX.length()));
    }
}
