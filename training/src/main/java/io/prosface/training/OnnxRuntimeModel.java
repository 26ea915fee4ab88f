package io.prosface.training;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.prosface.core.model.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** An exported model in ONNX Runtime (CPU, all graph optimisations): batches of images in, flat outputs out. */
final class OnnxRuntimeModel implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    /** @param threads intra-op threads (the CPU cores to use) */
    OnnxRuntimeModel(byte[] model, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            // idle workers sleep instead of spinning, as libtorch's OMP_WAIT_POLICY=PASSIVE here: spinning threads
            // burn the CPU that other work (and the per-CPU-second figures) count
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(model, options);
        }
    }

    /** Runs (batch, 3, size, size) images; output name -> row-major values. */
    Map<String, float[]> run(float[] images, int batch, int size) throws OrtException {
        return run(images, batch, size, session.getOutputNames());
    }

    /** Runs (batch, 3, size, size) images and computes only {@code outputs}; output name -> row-major values. */
    Map<String, float[]> run(float[] images, int batch, int size, Set<String> outputs) throws OrtException {
        long[] shape = {batch, 3, size, size};
        try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images), shape);
                OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input), outputs)) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> entry : result) {
                FloatBuffer buffer = ((OnnxTensor) entry.getValue()).getFloatBuffer();
                float[] copy = new float[buffer.remaining()];
                buffer.get(copy);
                values.put(entry.getKey(), copy);
            }
            return values;
        }
    }

    Map<String, String> metadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
