package io.prosface.server.http;

import io.prosface.core.data.FaceBox;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.analysis.AnalysisRequest;
import io.prosface.server.inference.analysis.ClientBoxes;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadChoice;
import io.prosface.server.inference.registry.HeadSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/** Query parameters (and the timeout header) shared by every {@code /v1} route. */
public class AnalysisParams {

    @RestQuery
    @Parameter(
            description = "Tasks for /v1/analyze, comma-separated: attributes, expression, landmarks, embedding, "
                    + "regression, age (default: attributes, expression, landmarks and embedding, plus age when the served "
                    + "model has its built-in 'age' head). Ignored by the single-task routes.")
    String tasks;

    @RestQuery
    @Parameter(
            description = "Head to use, 'name' (current version) or 'name@vN'; repeat or comma-separate for "
                    + "several tasks. Default: each task's default head.")
    List<String> head;

    @RestQuery
    @Parameter(description = "Face box 'x,y,width,height' in image pixels; skips detection. Default: detect faces.")
    String box;

    // numbers arrive as text and are parsed here: JAX-RS answers a query parameter it cannot convert with 404, and a
    // bad number is the caller's mistake (400 naming the parameter)

    @RestQuery("max_faces")
    @Parameter(
            description = "Most faces answered, largest first (>= 0; 0 or absent: server default, 10).",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    String maxFaces;

    @RestQuery("timeout_ms")
    @Parameter(
            description = "Deadline in milliseconds, 1 to 3600000 (one hour); past it the answer is 504 and "
                    + "queued work is dropped. Default: the server's pros.inference.request-timeout (30 s).",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "3600000"))
    String timeoutMs;

    @RestHeader("X-Timeout-Ms")
    @Parameter(
            description = "Same as timeout_ms, as a header; timeout_ms wins when both are set.",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "3600000"))
    String timeoutHeader;

    /** Longest deadline a request may ask for; beyond it a client's number is more likely a mistake than a wish. */
    static final long MAX_TIMEOUT_MS = 3_600_000L;

    /** Builds the service request; {@code formBox} (a multipart field) wins over the {@code box} query parameter. */
    AnalysisRequest toRequest(byte[] image, Set<FaceTask> fixedTasks, String formBox, long defaultDeadlineNanos) {
        Set<FaceTask> chosenTasks = fixedTasks != null ? fixedTasks : parseTasks(tasks);
        // the default set's age is answered only when the served model has an age head; asked for by name it is
        // required (and refused without the head)
        boolean defaults = fixedTasks == null && (tasks == null || tasks.isBlank());
        String boxText = formBox != null && !formBox.isBlank() ? formBox : box;
        return new AnalysisRequest(
                image,
                parseBox(boxText),
                chosenTasks,
                parseHeads(head),
                maxFaces(),
                deadline(defaultDeadlineNanos),
                defaults ? AnalysisRequest.OPTIONAL_DEFAULT_TASKS : Set.of());
    }

    /** 0 when absent (the server's default); the range against the server's limit is checked by the analyzer. */
    private int maxFaces() {
        if (maxFaces == null || maxFaces.isBlank()) {
            return 0;
        }
        long value;
        try {
            value = Long.parseLong(maxFaces.trim());
        } catch (NumberFormatException notANumber) {
            throw ServingException.invalidArgument("max_faces must be a whole number >= 0, got '" + maxFaces + "'");
        }
        if (value != (int) value) {
            throw ServingException.invalidArgument("max_faces " + value + " is out of range (a few faces per image)");
        }
        return (int) value;
    }

    private long deadline(long defaultDeadlineNanos) {
        boolean query = timeoutMs != null && !timeoutMs.isBlank();
        String text = query ? timeoutMs : timeoutHeader;
        if (text == null || text.isBlank()) {
            return defaultDeadlineNanos;
        }
        String name = query ? "timeout_ms" : "X-Timeout-Ms";
        long millis;
        try {
            millis = Long.parseLong(text.trim());
        } catch (NumberFormatException notANumber) {
            throw ServingException.invalidArgument(
                    name + " must be a whole number of milliseconds, got '" + text + "'");
        }
        if (millis <= 0 || millis > MAX_TIMEOUT_MS) {
            throw ServingException.invalidArgument(
                    name + " must be in [1, " + MAX_TIMEOUT_MS + "] milliseconds, got " + millis);
        }
        return System.nanoTime() + millis * 1_000_000L;
    }

    /**
     * Comma-separated task names; none: {@link AnalysisRequest#DEFAULT_TASKS} (attributes, expression, landmarks,
     * embedding and age; not regression).
     */
    static Set<FaceTask> parseTasks(String text) {
        if (text == null || text.isBlank()) {
            return AnalysisRequest.DEFAULT_TASKS;
        }
        Set<FaceTask> parsed = EnumSet.noneOf(FaceTask.class);
        for (String name : text.split(",")) {
            if (!name.isBlank()) {
                parsed.add(FaceTask.fromLabel(name));
            }
        }
        return parsed;
    }

    /** Each head answers the task of its kind (a multilabel head attributes, a landmark head landmarks, ...). */
    static List<HeadChoice> parseHeads(List<String> values) {
        List<HeadChoice> heads = new ArrayList<>();
        if (values != null) {
            values.stream()
                    .flatMap(value -> Arrays.stream(value.split(",")))
                    .filter(name -> !name.isBlank())
                    .map(name -> new HeadChoice(null, HeadSelector.parse(name)))
                    .forEach(heads::add);
        }
        return heads;
    }

    /** "x,y,width,height" in pixels; width and height must be positive. */
    static Optional<FaceBox> parseBox(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String[] parts = text.split(",");
        if (parts.length != 4) {
            throw ServingException.invalidArgument("box must be 'x,y,width,height', got '" + text + "'");
        }
        float[] numbers = new float[4];
        try {
            for (int index = 0; index < 4; index++) {
                numbers[index] = Float.parseFloat(parts[index].trim());
            }
        } catch (NumberFormatException notANumber) {
            throw ServingException.invalidArgument("box must be 4 numbers 'x,y,width,height', got '" + text + "'");
        }
        return Optional.of(ClientBoxes.checked(numbers[0], numbers[1], numbers[2], numbers[3]));
    }
}
