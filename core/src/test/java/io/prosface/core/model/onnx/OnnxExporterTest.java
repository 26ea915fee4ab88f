package io.prosface.core.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.prosface.core.RepositoryRoot;
import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.synthetic.SyntheticFaceGenerator;
import io.prosface.core.train.GradientRecording;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported ONNX file, run by ONNX Runtime, answers like the DJL blocks on faces: a micro model with every head
 * kind and a head with its own last block, on real faces from ../shared/data (synthetic faces where it is absent).
 * {@code pros-train export-onnx --verify} does the same on the served model.
 */
class OnnxExporterTest {

    private static final Path DATA = RepositoryRoot.resolve("../shared/data");
    private static final int FACES = 8;

    @ParameterizedTest
    @ValueSource(strings = {"vit_micro_convstem8_32", "vit_micro_patch8_32"})
    void float32ExportAnswersLikeDjl(String architecture) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = microCheckpoint(architecture, manager);
            Comparison comparison = compare(checkpoint, manager, OnnxExporter.Weights.FLOAT32);
            comparison.reference().forEach((name, expected) -> {
                float[] actual = comparison.exported().get(name);
                assertEquals(expected.length, actual.length, name);
                for (int index = 0; index < expected.length; index++) {
                    assertEquals(expected[index], actual[index], 1e-4, name + "[" + index + "]");
                }
            });
            List<ExportAgreement.Line> lines =
                    ExportAgreement.compare(checkpoint.config(), comparison.reference(), comparison.exported(), FACES);
            assertTrue(ExportAgreement.allPass(lines), lines.toString());
        }
    }

    @Test
    void int8WeightsStayCloseToFloat32() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = microCheckpoint("vit_micro_convstem8_32", manager);
            OnnxModel float32 = OnnxExporter.export(checkpoint, OnnxExporter.Weights.FLOAT32);
            OnnxModel int8 = OnnxExporter.export(checkpoint, OnnxExporter.Weights.INT8);
            // the micro model's float32 heads and embeddings are a large share of it (the served model: 4.4 vs 15.3 MB)
            assertTrue(int8.size() < float32.size() * 0.7, int8.size() + " vs " + float32.size() + " bytes");
            Comparison comparison = compare(checkpoint, manager, OnnxExporter.Weights.INT8);
            List<ExportAgreement.Line> lines =
                    ExportAgreement.compare(checkpoint.config(), comparison.reference(), comparison.exported(), FACES);
            ExportAgreement.Line embedding = lines.get(0);
            assertTrue(embedding.value() > 0.98, lines.toString());
            assertTrue(embedding.maxAbsoluteDifference() > 0, "int8 must differ a little from float32");
        }
    }

    @Test
    void metadataCarriesPreprocessingLabelsAndOutputs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = microCheckpoint("vit_micro_convstem8_32", manager);
            OnnxModel model = OnnxExporter.export(checkpoint, OnnxExporter.Weights.FLOAT32);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession session = environment.createSession(model.bytes())) {
                Map<String, String> metadata = session.getMetadata().getCustomMetadata();
                assertEquals("32", metadata.get("prosface.preprocessing.image_size"));
                assertEquals("0.485,0.456,0.406", metadata.get("prosface.preprocessing.mean"));
                assertEquals("0.229,0.224,0.225", metadata.get("prosface.preprocessing.std"));
                assertEquals("0.2", metadata.get("prosface.preprocessing.face_margin"));
                assertEquals(
                        "[\"neutral\",\"happiness\",\"sadness\",\"surprise\",\"fear\",\"disgust\",\"anger\"]",
                        metadata.get("prosface.output.expression.labels"));
                assertEquals(checkpoint.config().toJson(), metadata.get("prosface.config_json"));
                assertEquals(
                        List.of("embedding", "attributes", "expression", "landmarks", "age", "tailed", "tags"),
                        model.outputNames());
                assertEquals(model.outputNames(), new ArrayList<>(session.getOutputNames()));
                assertEquals(List.of(OnnxExporter.INPUT), new ArrayList<>(session.getInputNames()));
            }
        }
    }

    @Test
    void aHeadNamedLikeAnOutputIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformerConfig architecture = VisionTransformerConfig.variant("vit_micro_patch8_32");
            CheckpointConfig config = new CheckpointConfig(
                    architecture,
                    Preprocessing.imagenet(architecture.imageSize()),
                    null,
                    List.of(new HeadConfig("embedding", 1, HeadKind.REGRESSION, List.of("x"))),
                    Map.of(),
                    "test");
            Checkpoint checkpoint = Checkpoint.initialized(config, manager);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> OnnxExporter.export(checkpoint, OnnxExporter.Weights.FLOAT32));
        }
    }

    @Test
    void backboneAloneGivesTheFeaturesAndTheTokensAtEveryDepth() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = microCheckpoint("vit_micro_convstem8_32", manager);
            int size = checkpoint.config().architecture().imageSize();
            float[] batch = faces(checkpoint.config().preprocessing());
            OnnxModel model = OnnxExporter.exportBackbone(checkpoint.backbone(), OnnxExporter.Weights.FLOAT32);
            assertEquals(List.of("class_token", "patch_tokens", "tokens_0", "tokens_1"), model.outputNames());
            Map<String, float[]> exported = run(model, batch, size);
            NDArray images = manager.create(batch, new Shape(FACES, 3, size, size));
            io.prosface.core.model.BackbonePass pass = io.prosface.core.model.BackbonePass.run(
                    checkpoint.backbone(),
                    new ai.djl.training.ParameterStore(manager, false),
                    images,
                    List.of(0, 1),
                    true);
            assertClose(pass.output().get(0).toFloatArray(), exported.get("class_token"));
            assertClose(pass.output().get(1).toFloatArray(), exported.get("patch_tokens"));
            assertClose(pass.tokensAtDepth().get(0).toFloatArray(), exported.get("tokens_0"));
            assertClose(pass.tokensAtDepth().get(1).toFloatArray(), exported.get("tokens_1"));
        }
    }

    @Test
    void headsMayBeNamedLikeInternalValues() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionTransformerConfig architecture = VisionTransformerConfig.variant("vit_micro_patch8_32");
            CheckpointConfig config = new CheckpointConfig(
                    architecture,
                    Preprocessing.imagenet(architecture.imageSize()),
                    null,
                    List.of(new HeadConfig("tokens", 1, HeadKind.REGRESSION, List.of("x"))),
                    Map.of(),
                    "test");
            OnnxModel model =
                    OnnxExporter.export(Checkpoint.initialized(config, manager), OnnxExporter.Weights.FLOAT32);
            assertEquals(List.of("embedding", "tokens"), model.outputNames());
            assertEquals(FACES, run(model, new float[FACES * 3 * 32 * 32], 32).get("tokens").length);
        }
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int index = 0; index < expected.length; index++) {
            assertEquals(expected[index], actual[index], 1e-4, "value " + index);
        }
    }

    @Test
    void protobufWireFormat() {
        // varint 300 = 0b10_0101100 -> AC 02 after the tag (field 1, wire type 0)
        assertArrayEquals(
                new byte[] {0x08, (byte) 0xAC, 0x02},
                new ProtoWriter().varint(1, 300).toByteArray());
        // a negative int64 takes ten bytes
        assertEquals(11, new ProtoWriter().varint(1, -1).toByteArray().length);
        // fixed32 little-endian float (1.0f = 0x3F800000), field 2 wire type 5
        assertArrayEquals(
                new byte[] {0x15, 0, 0, (byte) 0x80, 0x3F},
                new ProtoWriter().float32(2, 1f).toByteArray());
        // length-delimited string, field 4 wire type 2
        assertArrayEquals(
                new byte[] {0x22, 2, 'o', 'k'},
                new ProtoWriter().string(4, "ok").toByteArray());
        // unpacked repeated int64 (proto2's default, as ONNX's own tools write dims)
        assertArrayEquals(
                new byte[] {0x08, 1, 0x08, 2},
                new ProtoWriter().repeatedVarints(1, 1, 2).toByteArray());
    }

    private record Comparison(Map<String, float[]> reference, Map<String, float[]> exported) {}

    private static Comparison compare(Checkpoint checkpoint, NDManager manager, OnnxExporter.Weights weights)
            throws OrtException, IOException {
        int size = checkpoint.config().architecture().imageSize();
        float[] batch = faces(checkpoint.config().preprocessing());
        Map<String, float[]> reference;
        try (NDManager batchManager = manager.newSubManager()) {
            NDArray images = batchManager.create(batch, new Shape(FACES, 3, size, size));
            reference = ReferenceOutputs.of(checkpoint, images);
        }
        return new Comparison(reference, run(OnnxExporter.export(checkpoint, weights), batch, size));
    }

    private static Map<String, float[]> run(OnnxModel model, float[] batch, int size) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = environment.createSession(model.bytes(), options);
                    OnnxTensor input = OnnxTensor.createTensor(
                            environment, FloatBuffer.wrap(batch), new long[] {FACES, 3, size, size});
                    OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
                Map<String, float[]> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> entry : result) {
                    FloatBuffer values = ((OnnxTensor) entry.getValue()).getFloatBuffer();
                    float[] copy = new float[values.remaining()];
                    values.get(copy);
                    outputs.put(entry.getKey(), copy);
                }
                return outputs;
            }
        }
    }

    /** FACES real faces (the first of each set in turn), or synthetic ones without the shared data. */
    private static float[] faces(Preprocessing preprocessing) throws IOException {
        FacePreprocessor preprocessor = new FacePreprocessor(preprocessing, ImageDecoder.withDefaultLimits());
        List<BufferedImage> images = new ArrayList<>();
        for (String folder : List.of("celeba/images", "utkface", "facial_expressions/images", "lfpw/train")) {
            Path directory = DATA.resolve(folder);
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".jpg"))
                            .sorted()
                            .limit(FACES / 4)
                            .toList()) {
                        images.add(preprocessor.decoder().decode(file));
                    }
                }
            }
        }
        if (images.size() < FACES) { // no shared data here: drawn faces stand in
            SyntheticFaceGenerator generator = SyntheticFaceGenerator.faceCrops(64, preprocessing.faceMargin());
            images.clear();
            IntStream.range(0, FACES)
                    .forEach(seed -> images.add(generator.render(seed).image()));
        }
        int length = 3 * preprocessing.imageSize() * preprocessing.imageSize();
        float[] batch = new float[FACES * length];
        for (int face = 0; face < FACES; face++) {
            BufferedImage image = images.get(face);
            float[] pixels = preprocessor
                    .prepare(image, new FaceBox(0, 0, image.getWidth(), image.getHeight()))
                    .pixels();
            System.arraycopy(pixels, 0, batch, face * length, length);
        }
        return batch;
    }

    /**
     * A random micro checkpoint with every head kind and one head ("tailed") with its own last block; head and tail
     * weights get extra noise so that probabilities spread away from 0.5 and the tail differs from the backbone.
     */
    static Checkpoint microCheckpoint(String architectureName, NDManager manager) {
        VisionTransformerConfig architecture = VisionTransformerConfig.variant(architectureName);
        List<String> points = IntStream.range(0, 68).mapToObj(Integer::toString).toList();
        List<HeadConfig> heads = List.of(
                new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, List.of("Smiling", "Eyeglasses", "Male", "Young")),
                new HeadConfig("expression", 1, HeadKind.EXPRESSION, Expression.labels()),
                new HeadConfig("landmarks", 1, HeadKind.LANDMARKS, points),
                new HeadConfig("age", 1, HeadKind.REGRESSION, List.of("age")),
                new HeadConfig("tailed", 1, HeadKind.CLASSIFICATION, List.of("a", "b", "c"), 1),
                new HeadConfig("tags", 1, HeadKind.MULTILABEL, List.of("x", "y")));
        CheckpointConfig config = new CheckpointConfig(
                architecture,
                Preprocessing.imagenet(architecture.imageSize()),
                null,
                heads,
                Map.of("init", "random"),
                "ONNX export test");
        Checkpoint checkpoint = Checkpoint.initialized(config, manager);
        GradientRecording.pauseOnThisThread(); // in-place writes to parameters
        List<ai.djl.nn.Block> perturbed = new ArrayList<>(checkpoint.heads().values());
        perturbed.addAll(checkpoint.tails().values());
        perturbed.forEach(block -> block.getParameters()
                .values()
                .forEach(parameter -> parameter
                        .getArray()
                        .addi(manager.randomNormal(
                                0f,
                                0.1f,
                                parameter.getArray().getShape(),
                                parameter.getArray().getDataType()))));
        return checkpoint;
    }
}
