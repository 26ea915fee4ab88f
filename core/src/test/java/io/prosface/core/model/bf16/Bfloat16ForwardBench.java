package io.prosface.core.model.bf16;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.management.OperatingSystemMXBean;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.onnx.ExportAgreement;
import io.prosface.core.model.onnx.ReferenceOutputs;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@link Bfloat16Forward} against the float32 DJL forward of a checkpoint on real faces: agreement in issue 14's
 * terms and faces per CPU-second side by side ({@code pros-train bench --precision fp32,bf16} measures the same on
 * the development split). Arguments: checkpoint directory (models/default), data folder
 * (../shared/data), faces (400), batch (8). Run like {@link Bfloat16Probe}. Prints numbers, asserts nothing.
 */
public final class Bfloat16ForwardBench {

    private Bfloat16ForwardBench() {}

    public static void main(String[] args) throws Exception {
        Path checkpointDirectory = Path.of(args.length > 0 ? args[0] : "models/default");
        Path data = Path.of(args.length > 1 ? args[1] : "../shared/data");
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Checkpoint checkpoint = Checkpoint.load(checkpointDirectory, manager);
            FacePreprocessor preprocessor =
                    new FacePreprocessor(checkpoint.config().preprocessing(), ImageDecoder.withDefaultLimits());
            int size = preprocessor.imageSize();
            List<float[]> faces = faces(data, preprocessor, count);
            count = faces.size() / batch * batch;
            try (Bfloat16Forward bfloat16 = new Bfloat16Forward(checkpoint.backbone(), manager)) {
                Function<NDArray, Map<String, float[]>> mixedOutputs = x -> ReferenceOutputs.afterBackbone(
                        checkpoint, bfloat16.run(x, ReferenceOutputs.tailDepths(checkpoint), true), x.getManager());
                Map<String, float[]> reference = new LinkedHashMap<>();
                Map<String, float[]> mixed = new LinkedHashMap<>();
                for (int start = 0; start < count; start += batch) {
                    float[] images = flatten(faces.subList(start, start + batch), size);
                    ExportAgreement.append(
                            reference, run(manager, images, batch, size, x -> ReferenceOutputs.of(checkpoint, x)));
                    ExportAgreement.append(mixed, run(manager, images, batch, size, mixedOutputs));
                }
                System.out.printf(
                        Locale.ROOT,
                        "bfloat16 (linear layers, attention products) vs float32 DJL, %d real" + " faces, batch %d:%n",
                        count,
                        batch);
                ExportAgreement.compare(checkpoint.config(), reference, mixed, count)
                        .forEach(line -> System.out.println("  " + line));
                float[] images = flatten(faces.subList(0, batch), size);
                OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double best32 = 0;
                double best16 = 0;
                for (int round = 0; round < 6; round++) {
                    best32 = Math.max(
                            best32,
                            rate(
                                    system,
                                    () -> run(manager, images, batch, size, x -> ReferenceOutputs.of(checkpoint, x)),
                                    batch));
                    best16 = Math.max(
                            best16, rate(system, () -> run(manager, images, batch, size, mixedOutputs), batch));
                }
                System.out.printf(
                        Locale.ROOT,
                        "faces per CPU-second at batch %d: float32 %.0f, bfloat16 %.0f (%.2f×)%n",
                        batch,
                        best32,
                        best16,
                        best16 / best32);
            }
        }
    }

    private static Map<String, float[]> run(
            NDManager manager, float[] images, int batch, int size, Function<NDArray, Map<String, float[]>> forward) {
        try (NDManager batchManager = manager.newSubManager()) {
            return forward.apply(batchManager.create(images, new Shape(batch, 3, size, size)));
        }
    }

    private static double rate(OperatingSystemMXBean system, Runnable forward, int batch) {
        forward.run();
        int repetitions = 8;
        long cpu = system.getProcessCpuTime();
        for (int index = 0; index < repetitions; index++) {
            forward.run();
        }
        return repetitions * batch * 1e9 / (system.getProcessCpuTime() - cpu);
    }

    private static List<float[]> faces(Path data, FacePreprocessor preprocessor, int count) throws Exception {
        List<List<Path>> sets = new ArrayList<>();
        for (String folder : List.of("celeba/images", "utkface", "facial_expressions/images", "lfpw/train")) {
            try (Stream<Path> files = Files.list(data.resolve(folder))) {
                sets.add(files.filter(file -> file.toString().endsWith(".jpg"))
                        .sorted()
                        .limit(count)
                        .toList());
            }
        }
        List<float[]> faces = new ArrayList<>();
        for (int index = 0; faces.size() < count; index++) {
            for (List<Path> set : sets) {
                if (faces.size() < count) {
                    BufferedImage image = preprocessor.decoder().decode(set.get(index));
                    faces.add(preprocessor
                            .prepare(image, new FaceBox(0, 0, image.getWidth(), image.getHeight()))
                            .pixels());
                }
            }
        }
        return faces;
    }

    private static float[] flatten(List<float[]> faces, int size) {
        int length = 3 * size * size;
        float[] batch = new float[faces.size() * length];
        for (int index = 0; index < faces.size(); index++) {
            System.arraycopy(faces.get(index), 0, batch, index * length, length);
        }
        return batch;
    }
}
