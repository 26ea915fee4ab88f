package io.prosface.core.model.onnx;

import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An exported model: the serialized ModelProto (field numbers of the public ONNX schema below) with the checkpoint's
 * preprocessing constants, heads and label names in its {@code metadata_props}, so that a user of the file alone can
 * prepare inputs and read outputs.
 */
public final class OnnxModel {

    // ModelProto, OperatorSetIdProto and StringStringEntryProto fields
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_DOMAIN = 4;
    private static final int MODEL_VERSION = 5;
    private static final int MODEL_DOC = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA = 14;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private final byte[] bytes;
    private final Map<String, String> metadata;
    private final List<String> outputNames;
    private final long parameterCount;

    OnnxModel(OnnxGraph graph, Map<String, String> metadata, String doc, List<String> outputNames) {
        this.metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.outputNames = List.copyOf(outputNames);
        this.parameterCount = graph.parameterCount();
        ProtoWriter model = new ProtoWriter()
                .varint(MODEL_IR_VERSION, OnnxExporter.IR_VERSION)
                .string(MODEL_PRODUCER_NAME, "ProS Face")
                .string(MODEL_PRODUCER_VERSION, "0.1.0")
                .string(MODEL_DOMAIN, "io.prosface")
                .varint(MODEL_VERSION, 1)
                .string(MODEL_DOC, doc)
                .message(MODEL_GRAPH, graph.toProto(doc))
                .message(
                        MODEL_OPSET_IMPORT,
                        new ProtoWriter().string(OPSET_DOMAIN, "").varint(OPSET_VERSION, OnnxExporter.OPSET));
        metadata.forEach((key, value) -> model.message(
                MODEL_METADATA, new ProtoWriter().string(ENTRY_KEY, key).string(ENTRY_VALUE, value)));
        this.bytes = model.toByteArray();
    }

    /** A whole checkpoint's model: its preprocessing, heads and labels in the metadata. */
    static OnnxModel ofCheckpoint(
            OnnxGraph graph,
            CheckpointConfig config,
            String backboneSha256,
            OnnxExporter.Weights weights,
            List<String> outputNames) {
        String doc = "ProS Face " + config.architecture().name() + " ("
                + weights.name().toLowerCase(Locale.ROOT)
                + " weights): input '" + OnnxExporter.INPUT + "', outputs " + outputNames
                + "; preprocessing and labels in metadata_props (prosface.*).";
        return new OnnxModel(graph, metadata(config, backboneSha256, weights), doc, outputNames);
    }

    /** The .onnx file's content. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** The metadata_props entries, in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Graph outputs in order: {@code embedding}, then one per head. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** Weights stored (float32 and int8 values together). */
    public long parameterCount() {
        return parameterCount;
    }

    private static Map<String, String> metadata(
            CheckpointConfig config, String backboneSha256, OnnxExporter.Weights weights) {
        Preprocessing preprocessing = config.preprocessing();
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("prosface.architecture", config.architecture().name());
        entries.put("prosface.weights", weights.name().toLowerCase(Locale.ROOT));
        entries.put(
                "prosface.input",
                OnnxExporter.INPUT + ": float32 (batch, 3, S, S), RGB planes, S = image_size."
                        + " Crop the face box grown by face_margin of its side on every side, as a square (or take the whole"
                        + " image, letterboxed), resize to S x S with antialiasing, then per channel (pixel / 255 - mean) / std.");
        entries.put("prosface.preprocessing.image_size", Integer.toString(preprocessing.imageSize()));
        entries.put("prosface.preprocessing.mean", join(preprocessing.mean()));
        entries.put("prosface.preprocessing.std", join(preprocessing.std()));
        entries.put("prosface.preprocessing.face_margin", Float.toString(preprocessing.faceMargin()));
        entries.put(
                "prosface.output." + OnnxExporter.EMBEDDING,
                "float32 (batch, D): the class token scaled to unit"
                        + " length; a dot product of two is their cosine similarity");
        for (HeadConfig head : config.heads()) {
            entries.put("prosface.output." + head.name(), describe(head));
            entries.put("prosface.output." + head.name() + ".labels", jsonArray(head.labelNames()));
        }
        entries.put("prosface.backbone_sha256", backboneSha256);
        entries.put("prosface.config_json", config.toJson());
        return entries;
    }

    private static String describe(HeadConfig head) {
        String what = switch (head.kind()) {
            case ATTRIBUTES, MULTILABEL -> "float32 (batch, C): independent probabilities (sigmoid of the logits)";
            case EXPRESSION, CLASSIFICATION -> "float32 (batch, C): class probabilities (softmax over C)";
            case LANDMARKS -> "float32 (batch, K, 2): points (x, y) in [0, 1] of the input square";
            case REGRESSION -> "float32 (batch, R): the regression values";
        };
        return what + "; kind " + head.kind() + ", head version " + head.version();
    }

    private static String join(float[] values) {
        StringBuilder joined = new StringBuilder();
        for (float value : values) {
            joined.append(joined.length() == 0 ? "" : ",").append(value);
        }
        return joined.toString();
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(OnnxModel::jsonString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String jsonString(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char character : value.toCharArray()) {
            switch (character) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (character < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) character));
                    } else {
                        quoted.append(character);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
