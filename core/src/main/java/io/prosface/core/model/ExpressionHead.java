package io.prosface.core.model;

import io.prosface.core.data.Expression;

/** The 7 basic expressions: logits (B, 7) in {@link Expression} order. */
public final class ExpressionHead extends GenericHead {

    public ExpressionHead() {
        super(HeadKind.EXPRESSION, Expression.labels());
    }
}
