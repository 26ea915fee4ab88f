package io.prosface.core.model;

import java.util.List;

/** Face attributes as independent yes/no predictions: logits (B, A), label names (CelebA's) carried in the head. */
public final class AttributeHead extends GenericHead {

    public AttributeHead(List<String> attributeNames) {
        super(HeadKind.ATTRIBUTES, attributeNames);
    }
}
