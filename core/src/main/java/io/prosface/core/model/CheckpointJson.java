package io.prosface.core.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.prosface.core.data.Preprocessing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gson mapping of {@link CheckpointConfig} with explicit, file-naming validation of every field. */
final class CheckpointJson {

    private static final List<String> ARCHITECTURE_NUMBERS =
            List.of("imageSize", "patchSize", "embedDim", "depth", "numHeads", "mlpRatio", "dropPath");

    private CheckpointJson() {}

    static String write(CheckpointConfig config) {
        JsonObject root = new JsonObject();
        root.addProperty("format", CheckpointConfig.FORMAT);
        root.add("architecture", architecture(config.architecture()));
        Preprocessing preprocessing = config.preprocessing();
        JsonObject pre = new JsonObject();
        pre.addProperty("imageSize", preprocessing.imageSize());
        pre.add("mean", floats(preprocessing.mean()));
        pre.add("std", floats(preprocessing.std()));
        pre.addProperty("faceMargin", preprocessing.faceMargin());
        root.add("preprocessing", pre);
        config.prosHeadConfig().ifPresent(pros -> {
            JsonObject head = new JsonObject();
            head.addProperty("hiddenDim", pros.hiddenDim());
            head.addProperty("bottleneckDim", pros.bottleneckDim());
            head.addProperty("numPrototypes", pros.numPrototypes());
            if (!pros.normLastLayer()) {
                // only the DINO preset writes the switch: ProS heads keep the config.json they always had
                head.addProperty("normLastLayer", false);
            }
            root.add("prosHead", head);
        });
        JsonArray heads = new JsonArray();
        config.heads().forEach(head -> heads.add(head(head)));
        root.add("heads", heads);
        JsonObject recipe = new JsonObject();
        config.recipe().forEach(recipe::addProperty);
        root.add("recipe", recipe);
        root.addProperty("data", config.data());
        return new GsonBuilder()
                        .setPrettyPrinting()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(root) + "\n";
    }

    static CheckpointConfig read(String json, String source) throws CheckpointException {
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            int format = required(root, "format", source).getAsInt();
            if (format != CheckpointConfig.FORMAT) {
                throw new CheckpointException(source + ": format " + format + " is not supported (this build reads "
                        + CheckpointConfig.FORMAT + ")");
            }
            VisionTransformerConfig architecture = readArchitecture(object(root, "architecture", source), source);
            JsonObject pre = object(root, "preprocessing", source);
            Preprocessing preprocessing = new Preprocessing(
                    required(pre, "imageSize", source).getAsInt(),
                    readFloats(required(pre, "mean", source)),
                    readFloats(required(pre, "std", source)),
                    required(pre, "faceMargin", source).getAsFloat());
            ProsHeadConfig prosHead = null;
            if (root.has("prosHead") && !root.get("prosHead").isJsonNull()) {
                JsonObject pros = object(root, "prosHead", source);
                prosHead = new ProsHeadConfig(
                        required(pros, "hiddenDim", source).getAsInt(),
                        required(pros, "bottleneckDim", source).getAsInt(),
                        required(pros, "numPrototypes", source).getAsInt(),
                        !pros.has("normLastLayer") || pros.get("normLastLayer").getAsBoolean());
            }
            List<HeadConfig> heads = new ArrayList<>();
            if (root.has("heads")) {
                for (JsonElement head : root.getAsJsonArray("heads")) {
                    heads.add(readHead(head.getAsJsonObject(), source));
                }
            }
            Map<String, String> recipe = new LinkedHashMap<>();
            if (root.has("recipe")) {
                root.getAsJsonObject("recipe")
                        .entrySet()
                        .forEach(e -> recipe.put(e.getKey(), e.getValue().getAsString()));
            }
            String data = root.has("data") ? root.get("data").getAsString() : "";
            return new CheckpointConfig(architecture, preprocessing, prosHead, heads, recipe, data);
        } catch (JsonParseException
                | IllegalStateException
                | IllegalArgumentException
                | UnsupportedOperationException
                | ClassCastException
                | NullPointerException bad) {
            throw new CheckpointException(source + ": invalid checkpoint config: " + bad.getMessage(), bad);
        }
    }

    static JsonObject architecture(VisionTransformerConfig config) {
        JsonObject arch = new JsonObject();
        arch.addProperty("name", config.name());
        arch.addProperty("imageSize", config.imageSize());
        arch.addProperty("patchSize", config.patchSize());
        arch.addProperty("embedDim", config.embedDim());
        arch.addProperty("depth", config.depth());
        arch.addProperty("numHeads", config.numHeads());
        arch.addProperty("mlpRatio", config.mlpRatio());
        arch.addProperty("dropPath", config.dropPath());
        return arch;
    }

    /**
     * A known variant name fixes every number except dropPath (a training-time regulariser that changes neither the
     * parameters nor inference); an unknown name must spell all of them.
     */
    static VisionTransformerConfig readArchitecture(JsonObject arch, String source) throws CheckpointException {
        String name = required(arch, "name", source).getAsString();
        for (String key : arch.keySet()) {
            if (!key.equals("name") && !ARCHITECTURE_NUMBERS.contains(key)) {
                throw new CheckpointException(source + ": unknown architecture field '" + key + "'");
            }
        }
        if (VisionTransformerConfig.variantNames().contains(name)) {
            VisionTransformerConfig variant = VisionTransformerConfig.variant(name);
            double[] expected = {
                variant.imageSize(),
                variant.patchSize(),
                variant.embedDim(),
                variant.depth(),
                variant.numHeads(),
                variant.mlpRatio()
            };
            for (int index = 0; index < expected.length; index++) {
                String key = ARCHITECTURE_NUMBERS.get(index);
                if (arch.has(key) && arch.get(key).getAsDouble() != expected[index]) {
                    throw new CheckpointException(source + ": architecture '" + name + "' has " + key + " "
                            + arch.get(key) + " but the named variant has " + number(expected[index])
                            + "; rename it to a custom architecture or fix the numbers");
                }
            }
            double dropPath = arch.has("dropPath") ? arch.get("dropPath").getAsDouble() : variant.dropPath();
            return new VisionTransformerConfig(
                    name,
                    variant.imageSize(),
                    variant.patchSize(),
                    variant.embedDim(),
                    variant.depth(),
                    variant.numHeads(),
                    variant.mlpRatio(),
                    dropPath);
        }
        List<String> missing =
                ARCHITECTURE_NUMBERS.stream().filter(key -> !arch.has(key)).toList();
        if (!missing.isEmpty()) {
            throw new CheckpointException(source + ": architecture '" + name + "' is not a known variant "
                    + VisionTransformerConfig.variantNames() + ", so it must spell " + missing + " as well");
        }
        return new VisionTransformerConfig(
                name,
                arch.get("imageSize").getAsInt(),
                arch.get("patchSize").getAsInt(),
                arch.get("embedDim").getAsInt(),
                arch.get("depth").getAsInt(),
                arch.get("numHeads").getAsInt(),
                arch.get("mlpRatio").getAsDouble(),
                arch.get("dropPath").getAsDouble());
    }

    static JsonObject head(HeadConfig head) {
        JsonObject json = new JsonObject();
        json.addProperty("name", head.name());
        json.addProperty("version", head.version());
        json.addProperty("kind", head.kind().name());
        JsonArray labels = new JsonArray();
        head.labelNames().forEach(labels::add);
        json.add("labelNames", labels);
        json.addProperty("outputs", head.outputs());
        json.addProperty("file", head.parameterFile());
        if (head.hasTail()) { // absent for heads without a tail, so older readers and checkpoints stay unchanged
            json.addProperty("tailBlocks", head.tailBlocks());
        }
        return json;
    }

    static HeadConfig readHead(JsonObject json, String source) throws CheckpointException {
        String name = required(json, "name", source).getAsString();
        List<String> labels = new ArrayList<>();
        required(json, "labelNames", source).getAsJsonArray().forEach(label -> labels.add(label.getAsString()));
        // absent in checkpoints written before heads could carry a tail: none
        int tailBlocks = json.has("tailBlocks") ? json.get("tailBlocks").getAsInt() : 0;
        HeadConfig head = new HeadConfig(
                name,
                required(json, "version", source).getAsInt(),
                HeadKind.valueOf(required(json, "kind", source).getAsString()),
                labels,
                tailBlocks);
        if (json.has("outputs") && json.get("outputs").getAsInt() != head.outputs()) {
            throw new CheckpointException(source + ": head '" + name + "' says outputs " + json.get("outputs")
                    + " but lists " + head.outputs() + " label names");
        }
        if (json.has("file") && !json.get("file").getAsString().equals(head.parameterFile())) {
            throw new CheckpointException(source + ": head '" + name + "' must be stored in " + head.parameterFile()
                    + ", not " + json.get("file").getAsString());
        }
        return head;
    }

    private static JsonElement required(JsonObject object, String key, String source) throws CheckpointException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            throw new CheckpointException(source + ": missing field '" + key + "'");
        }
        return value;
    }

    private static JsonObject object(JsonObject parent, String key, String source) throws CheckpointException {
        return required(parent, key, source).getAsJsonObject();
    }

    private static JsonArray floats(float[] values) {
        JsonArray array = new JsonArray();
        for (float value : values) {
            array.add(value);
        }
        return array;
    }

    private static float[] readFloats(JsonElement element) {
        JsonArray array = element.getAsJsonArray();
        float[] values = new float[array.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = array.get(index).getAsFloat();
        }
        return values;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
