package io.prosface.server.inference.registry;

import ai.djl.Device;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.onnx.OnnxExporter;
import io.prosface.core.model.onnx.OnnxModel;
import io.prosface.server.config.InferenceConfig;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns {@code pros.inference.precision} into the workers' backbone runners: fp32 runs the DJL blocks; int8 exports
 * the loaded backbone once to ONNX with int8 linear weights and gives each worker an ONNX Runtime session of it,
 * with the worker's share of the CPU cores.
 *
 * @param description what the start-up log says about the precision
 */
public record BackbonePrecision(
        InferenceConfig.Precision precision, String description, Supplier<BackboneRunner> runners) {

    /** @param threads intra-op threads of each worker ({@link WorkerThreads#perWorker}) */
    public static BackbonePrecision of(
            InferenceConfig.Precision precision, ModelRegistry registry, Device device, int threads) {
        return switch (precision) {
            case FP32 ->
                new BackbonePrecision(
                        precision, "fp32 (DJL " + device + ")", () -> new DjlBackboneRunner(registry.backbone()));
            case INT8 -> {
                VisionTransformer backbone = registry.backbone();
                // ONNX Runtime's CPU provider only: on a GPU device the heads stay there and the backbone runs here
                long begin = System.nanoTime();
                OnnxModel model = OnnxExporter.exportBackbone(backbone, OnnxExporter.Weights.INT8);
                String description = String.format(
                        Locale.ROOT,
                        "int8 (ONNX Runtime %s on the CPU, %d thread(s) per"
                                + " worker; backbone linear weights int8 per output unit, activations quantized per batch;"
                                + " exported in %d ms, %.1f MB; heads fp32 in DJL)",
                        ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(),
                        threads,
                        (System.nanoTime() - begin) / 1_000_000,
                        model.size() / 1e6);
                byte[] bytes = model.bytes();
                yield new BackbonePrecision(
                        precision, description, () -> new OnnxBackboneRunner(bytes, backbone.config(), threads));
            }
        };
    }
}
