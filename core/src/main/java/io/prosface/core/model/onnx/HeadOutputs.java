package io.prosface.core.model.onnx;

import ai.djl.nn.Parameter;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.TaskHead;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task heads in ONNX: the linear probe on [class token ; mean patch token] and soft-argmax landmarks on the patch
 * tokens, each followed by the server's post-processing, the last node named after the head (the graph output).
 */
final class HeadOutputs {

    private final OnnxOps ops;
    /** g, patches per side of the square patch grid the landmarks are placed on. */
    private final long grid;
    /** [class ; mean patch] per feature pair, computed once for all probe heads that read the same tokens. */
    private final Map<String, String> pooled = new HashMap<>();

    HeadOutputs(OnnxOps ops, int numPatches) {
        this.ops = ops;
        this.grid = Math.round(Math.sqrt(numPatches));
        if (grid * grid != numPatches) {
            throw new IllegalArgumentException("landmarks need a square patch grid; got " + numPatches + " tokens");
        }
    }

    /** Emits {@code block} on features [classToken, patchTokens]; its output value is named {@code head.name()}. */
    void emit(HeadConfig head, TaskHead block, List<String> features) {
        String name = head.name();
        switch (head.kind()) {
            case LANDMARKS -> landmarks(name, block, features.get(1));
            case ATTRIBUTES, MULTILABEL ->
                ops.graph().namedNode("Sigmoid", name, List.of(probe(name, block, features)));
            case EXPRESSION, CLASSIFICATION ->
                ops.graph()
                        .namedNode(
                                "Softmax",
                                name,
                                List.of(probe(name, block, features)),
                                OnnxGraph.attribute("axis", -1L));
            case REGRESSION -> ops.graph().namedNode("Identity", name, List.of(probe(name, block, features)));
        }
    }

    /** LinearProbe: logits (B, C) of [class token ; mean patch token] (B, 2D). */
    private String probe(String name, TaskHead block, List<String> features) {
        String key = features.get(0) + "|" + features.get(1);
        String pooledFeatures = pooled.computeIfAbsent(key, ignored -> {
            // (B, N, D) -> (B, D)
            String meanPatch = ops.graph()
                    .node(
                            "ReduceMean",
                            "mean_patch",
                            List.of(features.get(1)),
                            OnnxGraph.attribute("axes", new long[] {1}),
                            OnnxGraph.attribute("keepdims", 0L));
            return ops.concat("pooled", 1, features.get(0), meanPatch);
        });
        return ops.linear(
                name + "_logits",
                pooledFeatures,
                parameter(block, "01probe_01linear_weight"),
                parameter(block, "01probe_01linear_bias"));
    }

    /**
     * SoftArgmaxLandmarks: per-token MLP, softmax over the tokens per point, point k = Σ_n p_kn (c_n + o_kn) with
     * o_kn = tanh(·) / (2g) inside patch n.
     */
    private void landmarks(String name, TaskHead block, String patches) {
        int numPoints = block.outputs();
        Parameter offsetBias = parameter(block, "01landmarks_03offset_bias");
        String features = ops.gelu(
                name + "_gelu",
                ops.linear(
                        name + "_hidden",
                        patches,
                        parameter(block, "01landmarks_01hidden_weight"),
                        parameter(block, "01landmarks_01hidden_bias")));
        // softmax over the tokens, axis 1 of (B, N, K)
        String weights = ops.softmax(
                name + "_weights",
                ops.linear(
                        name + "_heatmap",
                        features,
                        parameter(block, "01landmarks_02heatmap_weight"),
                        parameter(block, "01landmarks_02heatmap_bias")),
                1);
        String raw = ops.graph()
                .node(
                        "Tanh",
                        name + "_tanh",
                        List.of(ops.linear(
                                name + "_offset",
                                features,
                                parameter(block, "01landmarks_03offset_weight"),
                                offsetBias)));
        // (B, N, 2K) -> (B, N, K, 2), each offset within ±half a patch
        String offsets = ops.reshape(
                name + "_offsets",
                ops.multiply(name + "_half_patch", raw, ops.graph().scalar(0.5f / grid)),
                0,
                0,
                numPoints,
                2);
        String centres = ops.graph().floats(name + "_patch_centres", new long[] {grid * grid, 2}, centres(grid));
        // (B, N, K) -> (B, K, N); @ (N, 2) -> (B, K, 2): Σ_n p_kn c_n
        String expectedCentre =
                ops.matMul(name + "_centre", ops.transpose(name + "_weights_t", weights, 0, 2, 1), centres);
        // (B, N, K, 1) * (B, N, K, 2) summed over N -> (B, K, 2): Σ_n p_kn o_kn
        String weighted = ops.multiply(
                name + "_weighted_offsets",
                ops.graph()
                        .node(
                                "Unsqueeze",
                                name + "_weights_4d",
                                List.of(weights, ops.graph().vector(3))),
                offsets);
        String expectedOffset = ops.graph()
                .node(
                        "ReduceSum",
                        name + "_offset_sum",
                        List.of(weighted, ops.graph().vector(1)),
                        OnnxGraph.attribute("keepdims", 0L));
        ops.graph().namedNode("Add", name, List.of(expectedCentre, expectedOffset));
    }

    /** (N, 2) centres (x, y) of the g×g patches in [0, 1], row-major like the patch tokens. */
    static float[] centres(long grid) {
        float[] centres = new float[(int) (grid * grid * 2)];
        for (int row = 0; row < grid; row++) {
            for (int column = 0; column < grid; column++) {
                int token = (int) (row * grid + column);
                centres[2 * token] = (column + 0.5f) / grid;
                centres[2 * token + 1] = (row + 0.5f) / grid;
            }
        }
        return centres;
    }

    private static Parameter parameter(TaskHead block, String name) {
        return OnnxExporter.named(block, name);
    }
}
