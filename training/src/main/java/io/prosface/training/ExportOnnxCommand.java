package io.prosface.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointException;
import io.prosface.core.model.onnx.ExportAgreement;
import io.prosface.core.model.onnx.OnnxExporter;
import io.prosface.core.model.onnx.OnnxModel;
import io.prosface.core.model.onnx.ReferenceOutputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a checkpoint as an ONNX model; optionally checks it against the DJL forward on real faces and times both. */
@Command(
        name = "export-onnx",
        mixinStandardHelpOptions = true,
        description = {
            "Export a checkpoint (backbone, every head, heads' own last blocks) as one ONNX model (opset 17,",
            "standard operators): input 'image' (batch, 3, S, S) normalised as the checkpoint says (metadata_props",
            "prosface.*), outputs 'embedding' and one per head, post-processed as the server answers.",
            "--int8 also writes <output>-int8.onnx with int8 linear weights (dynamic quantization).",
            "--verify N runs N real faces through ONNX Runtime and DJL and prints the agreement (exit 1 below the",
            "bar: attribute decisions 99%%, top-1 98%%, landmark shift 0.2%% of the inter-ocular distance);",
            "--bench prints faces per CPU-second of DJL float32 and each ONNX file, side by side in this process."
        })
public final class ExportOnnxCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "Checkpoint directory, e.g. models/default.")
    Path checkpointDirectory;

    @Option(
            names = "--output",
            defaultValue = "model.onnx",
            description = "ONNX file to write. (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--int8", description = "Also write the int8-weight model next to it (<output>-int8.onnx).")
    boolean int8;

    @Option(
            names = "--verify",
            defaultValue = "0",
            description =
                    "Real faces to compare ONNX Runtime with DJL on; 0 skips. [200-2000] (default: ${DEFAULT-VALUE})")
    int verifyFaces;

    @Option(
            names = "--data",
            defaultValue = "../shared/data",
            description =
                    "The shared real-face folder (celeba/, utkface/, facial_expressions/, lfpw/). (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--bench", description = "Time DJL float32 and the ONNX files side by side (faces per CPU-second).")
    boolean bench;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "Batch of --verify and --bench. (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Timed rounds per engine for --bench; the best is kept. (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "ONNX Runtime intra-op threads; 0 = all cores, as DJL. (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws IOException, CheckpointException, OrtException {
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = Checkpoint.load(checkpointDirectory, manager);
            Map<String, OnnxModel> models = new LinkedHashMap<>();
            models.put("ONNX float32", OnnxExporter.write(checkpoint, OnnxExporter.Weights.FLOAT32, output));
            if (int8) {
                models.put("ONNX int8", OnnxExporter.write(checkpoint, OnnxExporter.Weights.INT8, int8Path(output)));
            }
            for (Map.Entry<String, OnnxModel> entry : models.entrySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "%s: %s, %.1f MB, %,d weights, outputs %s%n",
                        entry.getKey(),
                        entry.getKey().endsWith("int8") ? int8Path(output) : output,
                        entry.getValue().size() / 1e6,
                        entry.getValue().parameterCount(),
                        entry.getValue().outputNames());
            }
            if (verifyFaces <= 0 && !bench) {
                return 0;
            }
            FacePreprocessor preprocessor =
                    new FacePreprocessor(checkpoint.config().preprocessing(), ImageDecoder.withDefaultLimits());
            List<float[]> faces = VerificationFaces.load(data, preprocessor, Math.max(verifyFaces, batchSize));
            int size = preprocessor.imageSize();
            boolean pass = true;
            Map<String, OnnxRuntimeModel> runtimes = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, OnnxModel> entry : models.entrySet()) {
                    runtimes.put(
                            entry.getKey(),
                            new OnnxRuntimeModel(entry.getValue().bytes(), cores));
                }
                if (verifyFaces > 0) {
                    pass = verify(checkpoint, manager, faces, size, runtimes);
                }
                if (bench) {
                    new ExportBenchmark(checkpoint, manager, faces.subList(0, batchSize), size, rounds).run(runtimes);
                }
            } finally {
                for (OnnxRuntimeModel runtime : runtimes.values()) {
                    runtime.close();
                }
            }
            return pass ? 0 : 1;
        }
    }

    private boolean verify(
            Checkpoint checkpoint,
            NDManager manager,
            List<float[]> faces,
            int size,
            Map<String, OnnxRuntimeModel> runtimes)
            throws OrtException {
        Map<String, float[]> reference = new LinkedHashMap<>();
        Map<String, Map<String, float[]>> exported = new LinkedHashMap<>();
        runtimes.keySet().forEach(name -> exported.put(name, new LinkedHashMap<>()));
        int count = (faces.size() / batchSize) * batchSize; // whole batches: int8 activations are scaled per batch
        for (int start = 0; start < count; start += batchSize) {
            float[] batch = ExportBenchmark.flatten(faces.subList(start, start + batchSize), size);
            try (NDManager batchManager = manager.newSubManager()) {
                NDArray images = batchManager.create(batch, new ai.djl.ndarray.types.Shape(batchSize, 3, size, size));
                ExportAgreement.append(reference, ReferenceOutputs.of(checkpoint, images));
            }
            for (Map.Entry<String, OnnxRuntimeModel> runtime : runtimes.entrySet()) {
                ExportAgreement.append(
                        exported.get(runtime.getKey()), runtime.getValue().run(batch, batchSize, size));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nAgreement with the DJL float32 forward on %d real faces from %s (batch %d):%n",
                count,
                data,
                batchSize);
        boolean pass = true;
        for (Map.Entry<String, Map<String, float[]>> entry : exported.entrySet()) {
            System.out.println(entry.getKey() + ":");
            List<ExportAgreement.Line> lines =
                    ExportAgreement.compare(checkpoint.config(), reference, entry.getValue(), count);
            lines.forEach(line -> System.out.println("  " + line));
            pass &= ExportAgreement.allPass(lines);
        }
        return pass;
    }

    static Path int8Path(Path output) {
        String name = output.getFileName().toString();
        String base = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return output.resolveSibling(base + "-int8.onnx");
    }
}
