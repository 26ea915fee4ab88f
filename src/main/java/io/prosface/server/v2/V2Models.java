package io.prosface.server.v2;

import io.prosface.server.error.ServingException;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadSelector;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Which v2 models exist: {@value #FACE_MODEL}, the backbone with the served model's default heads (one version,
 * "1"), and one model per loaded head name (built-in and few-shot) whose versions are the head's loaded versions.
 * Looked up afresh on every call, so a head trained, promoted or deleted through pros.v1 shows at once.
 */
@ApplicationScoped
public class V2Models {

    public static final String FACE_MODEL = "pros-face";
    public static final String FACE_MODEL_VERSION = "1";
    public static final String IMAGES = "images";
    public static final String BOXES = "boxes";
    public static final String FACE_FOUND = "face_found";
    public static final String FACE_BOX = "face_box";
    /** Output parameter holding a tensor's labels, a JSON array of strings (the protocol's parameters are scalars). */
    public static final String LABELS = "labels";

    static final String FACE_PLATFORM = "pros-face";
    static final String HEAD_PLATFORM = "pros-face-head";

    private static final long BATCH = -1;

    private final InferenceEngine engine;

    @Inject
    V2Models(InferenceEngine engine) {
        this.engine = engine;
    }

    /** True when {@code name} at {@code version} ("" for current) exists; false before the model is loaded. */
    public boolean exists(String name, String version) {
        try {
            find(name, version);
            return true;
        } catch (ServingException missing) {
            return false;
        }
    }

    /** Names of every model, pros-face first. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(FACE_MODEL);
        ModelRegistry registry = engine.registry();
        if (registry != null) {
            registry.heads().stream()
                    .map(LoadedHead::name)
                    .filter(name -> !name.equals(FACE_MODEL))
                    .sorted()
                    .forEach(names::add);
        }
        return names;
    }

    /**
     * The model {@code name} at {@code version} (empty or null: the current one). NOT_FOUND for an unknown name or
     * version, UNAVAILABLE while no model is loaded.
     */
    public V2Model find(String name, String version) {
        ModelRegistry registry = engine.registry();
        if (registry == null) {
            throw ServingException.unavailable("model is not loaded yet", null);
        }
        String wanted = version == null ? "" : version.trim();
        if (FACE_MODEL.equals(name)) {
            if (!wanted.isEmpty() && !wanted.equals(FACE_MODEL_VERSION)) {
                throw ServingException.notFound("model " + FACE_MODEL + " has no version '" + wanted + "'; versions: ["
                        + FACE_MODEL_VERSION + "]");
            }
            return faceModel(registry);
        }
        return headModel(registry, name, wanted);
    }

    private V2Model faceModel(ModelRegistry registry) {
        List<V2TensorSpec> outputs = new ArrayList<>();
        outputs.add(new V2TensorSpec(FACE_FOUND, V2Tensor.BOOL, new long[] {BATCH}, List.of(), null));
        outputs.add(new V2TensorSpec(
                FACE_BOX, V2Tensor.FP32, new long[] {BATCH, 4}, List.of("x", "y", "width", "height"), null));
        if (registry.hasHeadFor(FaceTask.ATTRIBUTES)) {
            List<String> labels = registry.resolve(FaceTask.ATTRIBUTES, null).labels();
            outputs.add(new V2TensorSpec(
                    "attributes", V2Tensor.FP32, new long[] {BATCH, labels.size()}, labels, FaceTask.ATTRIBUTES));
        }
        if (registry.hasHeadFor(FaceTask.EXPRESSION)) {
            List<String> labels = registry.resolve(FaceTask.EXPRESSION, null).labels();
            outputs.add(new V2TensorSpec(
                    "expression", V2Tensor.FP32, new long[] {BATCH, labels.size()}, labels, FaceTask.EXPRESSION));
        }
        if (registry.hasHeadFor(FaceTask.LANDMARKS)) {
            int points = registry.resolve(FaceTask.LANDMARKS, null).labels().size();
            outputs.add(new V2TensorSpec(
                    "landmarks", V2Tensor.FP32, new long[] {BATCH, points, 2}, List.of(), FaceTask.LANDMARKS));
        }
        outputs.add(new V2TensorSpec(
                "embedding",
                V2Tensor.FP32,
                new long[] {BATCH, registry.architecture().embedDim()},
                List.of(),
                FaceTask.EMBEDDING));
        if (registry.hasHeadFor(FaceTask.AGE)) {
            outputs.add(new V2TensorSpec("age", V2Tensor.FP32, new long[] {BATCH}, List.of(), FaceTask.AGE));
        }
        return new V2Model(
                FACE_MODEL,
                FACE_MODEL_VERSION,
                List.of(FACE_MODEL_VERSION),
                FACE_PLATFORM,
                inputs(),
                List.copyOf(outputs),
                Optional.empty());
    }

    private V2Model headModel(ModelRegistry registry, String name, String wanted) {
        List<LoadedHead> versions = registry.allVersions().stream()
                .filter(head -> head.name().equals(name))
                .sorted(Comparator.comparingInt(LoadedHead::version))
                .toList();
        LoadedHead current = registry.heads().stream()
                .filter(head -> head.name().equals(name))
                .findFirst()
                .orElseThrow(() -> ServingException.notFound("unknown model '" + name + "'; models: " + names()));
        TreeSet<Integer> numbers = new TreeSet<>();
        versions.forEach(head -> numbers.add(head.version()));
        List<String> versionNames = numbers.stream().map(String::valueOf).toList();
        LoadedHead head = current;
        if (!wanted.isEmpty()) {
            String number = wanted.startsWith("v") ? wanted.substring(1) : wanted;
            head = versions.stream()
                    .filter(candidate -> String.valueOf(candidate.version()).equals(number))
                    .findFirst()
                    .orElseThrow(() -> ServingException.notFound(
                            "model '" + name + "' has no version '" + wanted + "'; versions: " + versionNames));
        }
        return new V2Model(
                name,
                String.valueOf(head.version()),
                versionNames,
                HEAD_PLATFORM,
                inputs(),
                List.of(faceFound(), faceBox(), headOutput(head)),
                Optional.of(new HeadSelector(name, OptionalInt.of(head.version()))));
    }

    private static V2TensorSpec headOutput(LoadedHead head) {
        int size = head.labels().size();
        return switch (head.kind()) {
            case LANDMARKS ->
                new V2TensorSpec("landmarks", V2Tensor.FP32, new long[] {BATCH, size, 2}, List.of(), head.task());
            case REGRESSION ->
                new V2TensorSpec("values", V2Tensor.FP32, new long[] {BATCH, size}, head.labels(), head.task());
            case ATTRIBUTES, MULTILABEL, EXPRESSION, CLASSIFICATION ->
                new V2TensorSpec("probabilities", V2Tensor.FP32, new long[] {BATCH, size}, head.labels(), head.task());
        };
    }

    private static V2TensorSpec faceFound() {
        return new V2TensorSpec(FACE_FOUND, V2Tensor.BOOL, new long[] {BATCH}, List.of(), null);
    }

    private static V2TensorSpec faceBox() {
        return new V2TensorSpec(
                FACE_BOX, V2Tensor.FP32, new long[] {BATCH, 4}, List.of("x", "y", "width", "height"), null);
    }

    private static List<V2TensorSpec> inputs() {
        return List.of(
                new V2TensorSpec(IMAGES, V2Tensor.BYTES, new long[] {BATCH}, List.of(), null),
                new V2TensorSpec(
                        BOXES, V2Tensor.FP32, new long[] {BATCH, 4}, List.of("x", "y", "width", "height"), null));
    }

    /** Labels as one string parameter: a JSON array of strings, e.g. {@code ["angry","disgust"]}. */
    public static String labelsParameter(List<String> labels) {
        StringBuilder text = new StringBuilder("[");
        for (String label : labels) {
            if (text.length() > 1) {
                text.append(',');
            }
            text.append('"');
            for (char character : label.toCharArray()) {
                if (character == '"' || character == '\\') {
                    text.append('\\').append(character);
                } else if (character < 0x20) {
                    text.append(String.format("\\u%04x", (int) character));
                } else {
                    text.append(character);
                }
            }
            text.append('"');
        }
        return text.append(']').toString();
    }
}
