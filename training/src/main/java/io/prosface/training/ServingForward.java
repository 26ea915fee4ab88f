package io.prosface.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtException;
import io.prosface.core.model.BackbonePass;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.model.bf16.Bfloat16Forward;
import io.prosface.core.model.onnx.OnnxExporter;
import io.prosface.core.model.onnx.ReferenceOutputs;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The serving path's model work for one batch at one precision: the backbone (the only part a precision changes),
 * then the embedding and every head, with its own last blocks where it has them, in float32 DJL, post-processed as
 * answered ({@link ReferenceOutputs#afterBackbone}). The server's runners (server/inference: DjlBackboneRunner,
 * OnnxBackboneRunner) do the same; they cannot be called from here, since training compiles core alone.
 */
interface ServingForward extends AutoCloseable {

    /** Precisions that {@code bench --precision} knows. */
    enum Precision {
        /** The DJL blocks in float32: {@code pros.inference.precision=fp32}. */
        FP32,
        /** The backbone exported with int8 linear weights, in ONNX Runtime: {@code pros.inference.precision=int8}. */
        INT8,
        /** The backbone's blocks in bfloat16 matrix products inside DJL ({@link Bfloat16Forward}); not served. */
        BF16;

        static Precision parse(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException("unknown precision '" + name + "' (fp32, int8, bf16)");
            }
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param images (B, 3, S, S) normalised float32; its manager owns every array of the pass
     * @return output name -> values, as {@link ReferenceOutputs#of} names them
     */
    Map<String, float[]> outputs(NDArray images) throws OrtException;

    @Override
    default void close() throws OrtException {}

    /**
     * @param weights manager for copies of the weights a precision needs (bf16)
     * @param threads ONNX Runtime intra-op threads (int8)
     */
    static ServingForward open(Precision precision, Checkpoint checkpoint, NDManager weights, int threads)
            throws OrtException {
        Set<Integer> depths = ReferenceOutputs.tailDepths(checkpoint);
        return switch (precision) {
            case FP32 -> images -> ReferenceOutputs.of(checkpoint, images);
            case INT8 -> new OnnxBackbone(checkpoint, depths, threads);
            case BF16 -> {
                Bfloat16Forward forward = new Bfloat16Forward(checkpoint.backbone(), weights);
                yield new ServingForward() {
                    @Override
                    public Map<String, float[]> outputs(NDArray images) {
                        return ReferenceOutputs.afterBackbone(
                                checkpoint, forward.run(images, depths, true), images.getManager());
                    }

                    @Override
                    public void close() {
                        forward.close();
                    }
                };
            }
        };
    }

    /** The int8 backbone in ONNX Runtime, its outputs copied into the batch's manager for the heads (as served). */
    final class OnnxBackbone implements ServingForward {

        private final Checkpoint checkpoint;
        private final Set<Integer> depths;
        private final Set<String> wanted = new LinkedHashSet<>();
        private final OnnxRuntimeModel runtime;

        OnnxBackbone(Checkpoint checkpoint, Set<Integer> depths, int threads) throws OrtException {
            this.checkpoint = checkpoint;
            this.depths = depths;
            wanted.add(OnnxExporter.CLASS_TOKEN);
            wanted.add(OnnxExporter.PATCH_TOKENS);
            depths.forEach(depth -> wanted.add(OnnxExporter.tokensOutput(depth)));
            runtime = new OnnxRuntimeModel(
                    OnnxExporter.exportBackbone(checkpoint.backbone(), OnnxExporter.Weights.INT8)
                            .bytes(),
                    threads);
        }

        @Override
        public Map<String, float[]> outputs(NDArray images) throws OrtException {
            NDManager manager = images.getManager();
            long batch = images.getShape().get(0);
            int size = (int) images.getShape().get(2);
            VisionTransformerConfig architecture = checkpoint.backbone().config();
            long width = architecture.embedDim();
            long patches = architecture.numPatches();
            Map<String, float[]> values = runtime.run(images.toFloatArray(), (int) batch, size, wanted);
            NDList output = new NDList(
                    manager.create(values.get(OnnxExporter.CLASS_TOKEN), new Shape(batch, width)),
                    manager.create(values.get(OnnxExporter.PATCH_TOKENS), new Shape(batch, patches, width)));
            Map<Integer, NDArray> tokens = new TreeMap<>();
            for (int depth : depths) {
                tokens.put(
                        depth,
                        manager.create(
                                values.get(OnnxExporter.tokensOutput(depth)), new Shape(batch, 1 + patches, width)));
            }
            return ReferenceOutputs.afterBackbone(checkpoint, new BackbonePass(output, Map.copyOf(tokens)), manager);
        }

        @Override
        public void close() throws OrtException {
            runtime.close();
        }
    }
}
