package io.prosface.server.inference.registry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.prosface.core.model.BackbonePass;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.model.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The backbone exported to ONNX ({@link OnnxExporter#exportBackbone}) in an ONNX Runtime session on the CPU: one
 * session per worker, asked only for the outputs the batch needs. Its results are copied into the batch's DJL
 * manager, where the heads run as usual.
 */
final class OnnxBackboneRunner implements BackboneRunner {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final VisionTransformerConfig architecture;

    /**
     * @param model the exported backbone (a serialized ModelProto)
     * @param threads intra-op threads of this worker's session
     */
    OnnxBackboneRunner(byte[] model, VisionTransformerConfig architecture, int threads) {
        this.architecture = architecture;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            // idle threads sleep, as libtorch's with OMP_WAIT_POLICY=PASSIVE: spinning burns CPU the batcher's other
            // work (decoding, detection) needs; measured: per CPU-second ONNX Runtime lost 40% with spinning on
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(model, options);
        } catch (OrtException failure) {
            throw new IllegalStateException(
                    "ONNX Runtime refused the exported backbone: " + failure.getMessage(), failure);
        }
    }

    @Override
    public BackbonePass run(NDArray images, Set<Integer> depths, boolean fullOutput) {
        long[] shape = images.getShape().getShape();
        // without inner depths the features are always computed, as the DJL runner's plain forward does
        boolean full = fullOutput || depths.isEmpty();
        Set<String> wanted = new LinkedHashSet<>();
        if (full) {
            wanted.add(OnnxExporter.CLASS_TOKEN);
            wanted.add(OnnxExporter.PATCH_TOKENS);
        }
        depths.forEach(depth -> wanted.add(OnnxExporter.tokensOutput(depth)));
        NDManager manager = images.getManager();
        long batch = shape[0];
        long width = architecture.embedDim();
        long patches = architecture.numPatches();
        try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images.toFloatArray()), shape);
                OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input), wanted)) {
            NDList output = null;
            if (full) {
                output = new NDList(
                        copy(manager, result, OnnxExporter.CLASS_TOKEN, new Shape(batch, width)),
                        copy(manager, result, OnnxExporter.PATCH_TOKENS, new Shape(batch, patches, width)));
            }
            Map<Integer, NDArray> tokens = new TreeMap<>();
            for (int depth : depths) {
                tokens.put(
                        depth,
                        copy(manager, result, OnnxExporter.tokensOutput(depth), new Shape(batch, 1 + patches, width)));
            }
            return new BackbonePass(output, Map.copyOf(tokens));
        } catch (OrtException failure) {
            throw new IllegalStateException("ONNX Runtime backbone failed: " + failure.getMessage(), failure);
        }
    }

    private static NDArray copy(NDManager manager, OrtSession.Result result, String name, Shape shape) {
        FloatBuffer values = ((OnnxTensor) result.get(name)
                        .orElseThrow(() -> new IllegalStateException("ONNX Runtime returned no " + name)))
                .getFloatBuffer();
        float[] copy = new float[values.remaining()];
        values.get(copy);
        return manager.create(copy, shape);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException failure) {
            throw new IllegalStateException(
                    "closing the ONNX Runtime session failed: " + failure.getMessage(), failure);
        }
    }
}
