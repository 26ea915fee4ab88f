package io.prosface.server.v2;

import io.prosface.core.data.FaceBox;
import io.prosface.server.error.ApiError;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.analysis.AnalysisRequest;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.ClientBoxes;
import io.prosface.server.inference.analysis.FaceAnalyzer;
import io.prosface.server.inference.analysis.FaceResult;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadChoice;
import io.prosface.server.inference.registry.HeadId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Runs a v2 inference request: checks its tensors against the model's metadata, turns every image of the batch into
 * one {@link AnalysisRequest} for {@link FaceAnalyzer} (so the faces join the same dynamic batcher as pros.v1
 * requests), and assembles the answers into output tensors, one row per image.
 *
 * <p>Per image: with a box (a row of {@code boxes}) detection is skipped; without one (no {@code boxes} input, or a row
 * of four NaN) the largest detected face is answered. An image without a face is not an error: its row of
 * {@code face_found} is false and its rows of every FP32 output are NaN. Bytes that are not an image fail the whole
 * request (INVALID_ARGUMENT naming the element).
 */
@ApplicationScoped
public class V2Inference {

    private final V2Models models;
    private final FaceAnalyzer analyzer;
    private final ErrorMapper errorMapper;

    @Inject
    V2Inference(V2Models models, FaceAnalyzer analyzer, ErrorMapper errorMapper) {
        this.models = models;
        this.analyzer = analyzer;
        this.errorMapper = errorMapper;
    }

    /** Never throws: a refused request is a failed future. */
    public CompletableFuture<V2InferResponse> infer(V2InferRequest request, long deadlineNanos) {
        try {
            return run(request, deadlineNanos);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    private CompletableFuture<V2InferResponse> run(V2InferRequest request, long deadlineNanos) {
        V2Model model = models.find(request.modelName(), request.modelVersion());
        refuseUnsupported(request.parameters(), "request");
        List<byte[]> images = images(model, request.inputs());
        List<Optional<FaceBox>> boxes = boxes(request.inputs(), images.size());
        List<V2TensorSpec> outputs = requestedOutputs(model, request.outputs());
        Set<FaceTask> tasks = EnumSet.noneOf(FaceTask.class);
        List<HeadChoice> heads = List.of();
        if (model.head().isPresent()) {
            // a head model always runs its head (the one output with a task), whatever subset is asked for
            FaceTask task = model.outputs().stream()
                    .map(V2TensorSpec::task)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElseThrow();
            tasks.add(task);
            heads = List.of(new HeadChoice(task, model.head().get()));
        } else {
            outputs.stream().map(V2TensorSpec::task).filter(Objects::nonNull).forEach(tasks::add);
            if (tasks.isEmpty()) {
                // only face_found / face_box asked for: the cheapest task still finds and runs the face
                tasks.add(FaceTask.EMBEDDING);
            }
        }
        List<CompletableFuture<AnalysisResult>> results = new ArrayList<>();
        for (int index = 0; index < images.size(); index++) {
            results.add(analyzer.analyze(
                    new AnalysisRequest(images.get(index), boxes.get(index), tasks, heads, 1, deadlineNanos)));
        }
        CompletableFuture<V2InferResponse> answer = new CompletableFuture<>();
        for (int index = 0; index < results.size(); index++) {
            int element = index;
            results.get(index).whenComplete((result, failure) -> {
                // the images cancelled below fail too: only the first real failure is mapped (and logged)
                if (failure != null
                        && !answer.isDone()
                        && !(unwrap(failure) instanceof CancellationException)
                        && answer.completeExceptionally(named(failure, element))) {
                    results.forEach(other -> other.cancel(false));
                }
            });
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenRun(() -> {
            try {
                answer.complete(assemble(
                        request,
                        model,
                        outputs,
                        results.stream().map(CompletableFuture::join).toList()));
            } catch (RuntimeException failure) {
                answer.completeExceptionally(failure);
            }
        });
        // the client went away: drop the images still queued
        answer.whenComplete((response, failure) -> {
            if (answer.isCancelled()) {
                results.forEach(result -> result.cancel(false));
            }
        });
        return answer;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** A failure of one image, its message prefixed with the element it concerns. */
    private Throwable named(Throwable failure, int element) {
        ApiError error = errorMapper.map(failure);
        if (error.code() == ErrorCode.INTERNAL
                || error.code() == ErrorCode.UNAVAILABLE
                || error.code() == ErrorCode.DEADLINE_EXCEEDED
                || error.code() == ErrorCode.RESOURCE_EXHAUSTED) {
            return failure;
        }
        return new ServingException(
                error.code(),
                "input '" + V2Models.IMAGES + "' element " + element + ": " + error.message(),
                error.retryAfter().orElse(null));
    }

    private static List<byte[]> images(V2Model model, List<V2Tensor> inputs) {
        Set<String> seen = new LinkedHashSet<>();
        for (V2Tensor input : inputs) {
            if (model.input(input.name()).isEmpty()) {
                throw ServingException.invalidArgument("unknown input '" + input.name() + "'; model " + model.name()
                        + " takes " + V2Models.IMAGES + " (BYTES [-1]) and optionally " + V2Models.BOXES
                        + " (FP32 [-1,4])");
            }
            if (!seen.add(input.name())) {
                throw ServingException.invalidArgument("input '" + input.name() + "' is given twice");
            }
            refuseUnsupported(input.parameters(), "input '" + input.name() + "'");
        }
        V2Tensor images = inputs.stream()
                .filter(input -> input.name().equals(V2Models.IMAGES))
                .findFirst()
                .orElseThrow(() -> ServingException.invalidArgument(
                        "input '" + V2Models.IMAGES + "' (BYTES [-1], encoded images) is missing"));
        expectDatatype(images, V2Tensor.BYTES);
        if (images.shape().length != 1 || images.shape()[0] < 1) {
            throw ServingException.invalidArgument("input '" + V2Models.IMAGES + "' must have shape [N] with N >= 1 "
                    + "(one encoded image per element), got " + V2Tensor.shapeText(images.shape()));
        }
        expectElements(images);
        return images.bytes();
    }

    private static List<Optional<FaceBox>> boxes(List<V2Tensor> inputs, int count) {
        Optional<V2Tensor> given = inputs.stream()
                .filter(input -> input.name().equals(V2Models.BOXES))
                .findFirst();
        List<Optional<FaceBox>> boxes = new ArrayList<>();
        if (given.isEmpty()) {
            for (int index = 0; index < count; index++) {
                boxes.add(Optional.empty());
            }
            return boxes;
        }
        V2Tensor tensor = given.get();
        expectDatatype(tensor, V2Tensor.FP32);
        if (tensor.shape().length != 2 || tensor.shape()[0] != count || tensor.shape()[1] != 4) {
            throw ServingException.invalidArgument("input '" + V2Models.BOXES + "' must have shape [" + count
                    + ",4] (x, y, width, height per image), got " + V2Tensor.shapeText(tensor.shape()));
        }
        expectElements(tensor);
        float[] values = tensor.floats();
        for (int index = 0; index < count; index++) {
            float[] row = Arrays.copyOfRange(values, index * 4, index * 4 + 4);
            if (Float.isNaN(row[0]) && Float.isNaN(row[1]) && Float.isNaN(row[2]) && Float.isNaN(row[3])) {
                boxes.add(Optional.empty());
                continue;
            }
            try {
                boxes.add(Optional.of(ClientBoxes.checked(row[0], row[1], row[2], row[3])));
            } catch (ServingException bad) {
                throw ServingException.invalidArgument(
                        "input '" + V2Models.BOXES + "' row " + index + ": " + bad.getMessage());
            }
        }
        return boxes;
    }

    private static void expectDatatype(V2Tensor tensor, String datatype) {
        if (!datatype.equals(tensor.datatype())) {
            throw ServingException.invalidArgument(
                    "input '" + tensor.name() + "' must be " + datatype + ", got " + tensor.datatype());
        }
    }

    private static void expectElements(V2Tensor tensor) {
        long expected = V2Tensor.elementCount(tensor.shape());
        if (expected < 0 || tensor.dataLength() != expected) {
            throw ServingException.invalidArgument("input '" + tensor.name() + "' has shape "
                    + V2Tensor.shapeText(tensor.shape()) + " (" + expected + " elements) but " + tensor.dataLength()
                    + " elements of data");
        }
    }

    private static List<V2TensorSpec> requestedOutputs(V2Model model, List<V2InferRequest.RequestedOutput> asked) {
        if (asked.isEmpty()) {
            return model.outputs();
        }
        Set<String> names = new LinkedHashSet<>();
        for (V2InferRequest.RequestedOutput output : asked) {
            if (model.output(output.name()).isEmpty()) {
                throw ServingException.invalidArgument("unknown output '" + output.name() + "'; model " + model.name()
                        + " has " + model.outputNames());
            }
            refuseUnsupported(output.parameters(), "output '" + output.name() + "'");
            names.add(output.name());
        }
        // the model's order, whatever order the client asked in
        return model.outputs().stream()
                .filter(output -> names.contains(output.name()))
                .toList();
    }

    /** Parameters of protocol extensions this server does not implement are refused, not silently ignored. */
    private static void refuseUnsupported(Map<String, Object> parameters, String where) {
        for (String name : List.of(
                "classification",
                "shared_memory_region",
                "shared_memory_byte_size",
                "shared_memory_offset",
                "sequence_id",
                "sequence_start",
                "sequence_end")) {
            if (parameters.containsKey(name)) {
                throw ServingException.invalidArgument(where + " parameter '" + name + "' belongs to a protocol "
                        + "extension this server does not support");
            }
        }
    }

    private static V2InferResponse assemble(
            V2InferRequest request, V2Model model, List<V2TensorSpec> outputs, List<AnalysisResult> results) {
        int count = results.size();
        List<V2Tensor> tensors = new ArrayList<>();
        for (V2TensorSpec spec : outputs) {
            long[] shape = spec.shape().clone();
            shape[0] = count;
            Map<String, Object> parameters = spec.labels().isEmpty()
                    ? Map.of()
                    : Map.of(V2Models.LABELS, V2Models.labelsParameter(spec.labels()));
            if (spec.datatype().equals(V2Tensor.BOOL)) {
                boolean[] found = new boolean[count];
                for (int row = 0; row < count; row++) {
                    found[row] = !results.get(row).faces().isEmpty();
                }
                tensors.add(V2Tensor.bool(spec.name(), shape, found, parameters));
                continue;
            }
            int rowSize = spec.rowSize();
            float[] values = new float[count * rowSize];
            Arrays.fill(values, Float.NaN);
            for (int row = 0; row < count; row++) {
                List<FaceResult> faces = results.get(row).faces();
                if (!faces.isEmpty()) {
                    float[] answer = rowValues(spec, faces.get(0));
                    if (answer.length != rowSize) {
                        throw new IllegalStateException("output " + spec.name() + " has " + answer.length
                                + " values per face, metadata says " + rowSize);
                    }
                    System.arraycopy(answer, 0, values, row * rowSize, rowSize);
                }
            }
            tensors.add(V2Tensor.fp32(spec.name(), shape, values, parameters));
        }
        AnalysisResult first = results.get(0);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("backbone", first.backbone());
        if (!first.heads().isEmpty()) {
            parameters.put(
                    "heads",
                    first.heads().values().stream().map(HeadId::toString).collect(Collectors.joining(",")));
        }
        String version = model.version();
        return new V2InferResponse(model.name(), version, request.id(), parameters, tensors);
    }

    private static float[] rowValues(V2TensorSpec spec, FaceResult face) {
        if (spec.name().equals(V2Models.FACE_BOX)) {
            FaceBox box = face.box();
            return new float[] {box.x(), box.y(), box.width(), box.height()};
        }
        TaskOutput output = face.outputs().get(spec.task());
        if (output == null) {
            throw new IllegalStateException("no " + spec.task().label() + " answer for output " + spec.name());
        }
        return output.values();
    }
}
