package io.prosface.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * JSON shapes of the REST answers; they mirror the gRPC messages of {@code pros.v1} (same names in camelCase, only
 * the requested tasks present), except that durations are milliseconds.
 */
public final class FaceJson {

    private FaceJson() {}

    /**
     * @param faces one entry per face, largest first; empty when no face was found
     * @param image the decoded input image
     * @param model the backbone and the heads that answered
     * @param timing server-side durations
     */
    public record Analysis(List<Face> faces, ImageInfo image, ModelVersion model, Timing timing) {}

    /** Size (pixels) and detected encoding (jpeg, png, bmp, webp) of the input image. */
    public record ImageInfo(int width, int height, String format) {}

    /** Box in input-image pixels: left, top, width, height. */
    public record Box(int x, int y, int width, int height) {}

    /**
     * One face; only the requested tasks are present.
     *
     * @param boxSource "detected" (the server's detector) or "client" (the request's box)
     * @param detectionScore detector confidence, not a probability; 0 for a client box
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Face(
            Box box,
            String boxSource,
            float detectionScore,
            Attributes attributes,
            ExpressionResult expression,
            Landmarks landmarks,
            Embedding embedding,
            Regression regression,
            Age age) {}

    public record LabelProbability(String label, float probability) {}

    /** Every label of the head with its independent probability, in the head's order (CelebA names by default). */
    public record Attributes(List<LabelProbability> labels) {}

    /** The most probable label, its probability, and the whole distribution (sums to 1). */
    public record ExpressionResult(String label, float probability, List<LabelProbability> distribution) {}

    /** A point in input-image pixels. */
    public record Point(float x, float y) {}

    /** K points in input-image pixels (default head: 68 iBUG points; jaw 0-16, brows 17-26, nose 27-35, eyes 36-47,
     * mouth 48-67). */
    public record Landmarks(List<Point> points) {}

    /** The backbone's class token, L2-normalised. */
    public record Embedding(float[] values) {}

    public record NamedValue(String name, double value) {}

    /** One value per output of a regression head. */
    public record Regression(List<NamedValue> values) {}

    /**
     * The age head's estimate; the head that answered is in {@code model.heads} (task "age").
     *
     * @param years estimated age in years, e.g. 31.4 (the head's raw output, not clipped or rounded)
     */
    public record Age(float years) {}

    /** A head: name and version ("v3"). */
    public record HeadRef(String name, String version) {}

    /** The head that answered one task (attributes, expression, landmarks, regression, age). */
    public record ResolvedHead(String task, HeadRef head) {}

    /** The backbone ("architecture@hash") and the heads that answered. */
    public record ModelVersion(String backbone, List<ResolvedHead> heads) {}

    /** Server-side durations in milliseconds. */
    public record Timing(double decodeMs, double detectMs, double queueMs, double computeMs, double totalMs) {}
}
