package io.prosface.training;

import io.prosface.core.model.VisionTransformerConfig;

/** Entry point of the offline CLI (pretrain, curate, evaluate, synth, bench). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("pros-train: model variants " + VisionTransformerConfig.variantNames());
    }
}
