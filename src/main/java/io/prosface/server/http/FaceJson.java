package io.prosface.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** JSON shapes of the REST answers. Absent tasks are left out of a face rather than sent as null. */
public final class FaceJson {

    private FaceJson() {}

    /**
     * @param model the checkpoint that answered
     * @param image size of the decoded input image, the space of every box and point
     * @param faces one entry per face, largest first; empty when no face was found
     */
    public record Analysis(String model, ImageSize image, List<Face> faces) {}

    public record ImageSize(int width, int height) {}

    /** Box in input-image pixels: left, top, width, height. */
    public record Box(float x, float y, float width, float height) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Face(Box box, Attributes attributes, ExpressionAnswer expression, Landmarks landmarks,
            Embedding embedding) {}

    /** Independent probabilities per attribute name (CelebA names), in the head's label order. */
    public record Attributes(String head, Map<String, Float> probabilities) {}

    /** The most probable expression and the full distribution (sums to 1). */
    public record ExpressionAnswer(String head, String label, float confidence, Map<String, Float> probabilities) {}

    /** A point in input-image pixels. */
    public record Point(float x, float y) {}

    /** 68 iBUG points in input-image pixels (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67). */
    public record Landmarks(String head, List<Point> points) {}

    /** L2-normalised backbone class token; {@code model} names the backbone that produced it. */
    public record Embedding(String model, float[] vector) {}
}
