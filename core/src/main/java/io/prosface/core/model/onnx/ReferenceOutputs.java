package io.prosface.core.model.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.BackbonePass;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.TaskHead;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the exported model must answer, computed by the DJL blocks: the same outputs, names and post-processing as
 * {@link OnnxExporter} writes (and as the server computes), as flat row-major float arrays. The yardstick of every
 * export check.
 */
public final class ReferenceOutputs {

    private ReferenceOutputs() {}

    /**
     * @param images (B, 3, S, S) normalised float32; its manager owns every intermediate array
     * @return output name -> values, in {@link OnnxModel#outputNames()} order
     */
    public static Map<String, float[]> of(Checkpoint checkpoint, NDArray images) {
        ParameterStore parameters = new ParameterStore(images.getManager(), false);
        BackbonePass pass = BackbonePass.run(checkpoint.backbone(), parameters, images, tailDepths(checkpoint), true);
        return afterBackbone(checkpoint, pass, images.getManager());
    }

    /** The token depths the checkpoint's tails (heads with their own last blocks) start from. */
    public static Set<Integer> tailDepths(Checkpoint checkpoint) {
        TreeSet<Integer> depths = new TreeSet<>();
        checkpoint.tails().values().forEach(tail -> depths.add(tail.inputDepth()));
        return depths;
    }

    /**
     * What the server computes after its backbone, in float32 DJL: the embedding and every head (after its tail) on
     * a pass that ran elsewhere (another precision or engine), post-processed as answered.
     *
     * @param pass the full output and the tokens at every {@link #tailDepths} depth, in {@code manager}
     */
    public static Map<String, float[]> afterBackbone(Checkpoint checkpoint, BackbonePass pass, NDManager manager) {
        ParameterStore parameters = new ParameterStore(manager, false);
        NDList features = pass.output();
        Map<String, float[]> outputs = new LinkedHashMap<>();
        NDArray classToken = features.get(0);
        // (B, D) / (B, 1), as the server's embedding
        outputs.put(
                OnnxExporter.EMBEDDING,
                classToken
                        .div(classToken.norm(new int[] {1}, true).maximum(OnnxExporter.NORM_EPSILON))
                        .toFloatArray());
        for (HeadConfig head : checkpoint.config().heads()) {
            TaskHead block = checkpoint.heads().get(head.name());
            BackboneTail tail = checkpoint.tail(head.name()).orElse(null);
            NDList inputs = tail == null
                    ? features
                    : tail.forward(parameters, new NDList(pass.tokensAtDepth().get(tail.inputDepth())), false);
            NDArray output = block.forward(parameters, inputs, false).head();
            NDArray served = switch (head.kind()) {
                case ATTRIBUTES, MULTILABEL -> Activation.sigmoid(output);
                case EXPRESSION, CLASSIFICATION -> output.softmax(-1);
                case LANDMARKS, REGRESSION -> output;
            };
            outputs.put(head.name(), served.toFloatArray());
        }
        return outputs;
    }
}
