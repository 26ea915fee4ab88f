package io.prosface.core.model;

/** What a {@link TaskHead} predicts, and therefore the shape and meaning of its output. */
public enum HeadKind {
    /** Face attributes (CelebA names): multi-label logits (B, A), one independent sigmoid per attribute. */
    ATTRIBUTES,
    /** The 7 basic expressions in {@link io.prosface.core.data.Expression} order: logits (B, 7), one softmax. */
    EXPRESSION,
    /** K landmark points: (B, K, 2) coordinates (x, y) in [0, 1] of the model's input square. */
    LANDMARKS,
    /** User-defined single-label classes: logits (B, C), one softmax. */
    CLASSIFICATION,
    /** User-defined multi-label tags: logits (B, C), one sigmoid each. */
    MULTILABEL,
    /** User-defined real-valued outputs: (B, R). */
    REGRESSION
}
