package io.prosface.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.Expression;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.LabelProbability;
import io.prosface.grpc.v1.Point;
import io.prosface.server.inference.registry.RandomCheckpoint;
import java.util.List;
import java.util.Map;

/**
 * Structural checks of answers from the random test model (its numbers mean nothing, their shape does): label
 * names, probability ranges, sums, unit embeddings, and landmarks inside the crop the model saw, in image pixels.
 */
public final class FaceAssertions {

    /** Preprocessing.imagenet's face margin: the crop is the box's longer side plus 20% on each side. */
    private static final float MARGIN = 0.2f;

    private static final float TOLERANCE = 1e-3f;

    private FaceAssertions() {}

    /** The square the model saw (image pixels): every predicted point must lie in it. */
    static float[] cropSquare(float x, float y, float width, float height) {
        float side = Math.max(width, height) * (1 + 2 * MARGIN);
        float centerX = x + width / 2;
        float centerY = y + height / 2;
        return new float[] {centerX - side / 2, centerY - side / 2, centerX + side / 2, centerY + side / 2};
    }

    static void assertPointsInCrop(List<float[]> points, float x, float y, float width, float height) {
        assertEquals(68, points.size(), "68 iBUG points");
        float[] crop = cropSquare(x, y, width, height);
        for (float[] point : points) {
            assertTrue(
                    point[0] >= crop[0] - 1
                            && point[0] <= crop[2] + 1
                            && point[1] >= crop[1] - 1
                            && point[1] <= crop[3] + 1,
                    "point " + point[0] + "," + point[1] + " lies in the crop " + java.util.Arrays.toString(crop)
                            + " in image pixels");
        }
    }

    static void assertAttributes(List<String> names, List<Float> probabilities) {
        assertEquals(RandomCheckpoint.CELEBA_ATTRIBUTES, names, "attribute names are the head's label names");
        probabilities.forEach(
                probability -> assertTrue(probability >= 0 && probability <= 1, "probability " + probability));
    }

    static void assertExpression(String label, float probability, List<String> names, List<Float> distribution) {
        assertEquals(Expression.labels(), names);
        double sum = distribution.stream().mapToDouble(Float::doubleValue).sum();
        assertEquals(1.0, sum, TOLERANCE, "the distribution sums to 1");
        distribution.forEach(value -> assertTrue(value >= 0 && value <= 1));
        float max = distribution.stream().max(Float::compare).orElseThrow();
        assertEquals(max, probability, TOLERANCE, "the label is the most probable one");
        assertEquals(names.get(distribution.indexOf(max)), label);
    }

    static void assertUnitEmbedding(List<Float> values) {
        assertEquals(64, values.size(), "vit_micro's width");
        double norm =
                Math.sqrt(values.stream().mapToDouble(value -> value * value).sum());
        assertEquals(1.0, norm, TOLERANCE, "L2 norm 1");
    }

    // ---- JSON (REST) ----

    @SuppressWarnings("unchecked")
    static void assertJsonFace(
            Map<String, Object> face, boolean attributes, boolean expression, boolean landmarks, boolean embedding) {
        Map<String, Number> box = (Map<String, Number>) face.get("box");
        assertEquals(attributes, face.containsKey("attributes"));
        assertEquals(expression, face.containsKey("expression"));
        assertEquals(landmarks, face.containsKey("landmarks"));
        assertEquals(embedding, face.containsKey("embedding"));
        if (attributes) {
            List<Map<String, Object>> labels =
                    (List<Map<String, Object>>) ((Map<String, Object>) face.get("attributes")).get("labels");
            assertAttributes(
                    labels.stream().map(label -> (String) label.get("label")).toList(),
                    labels.stream()
                            .map(label -> ((Number) label.get("probability")).floatValue())
                            .toList());
        }
        if (expression) {
            Map<String, Object> answer = (Map<String, Object>) face.get("expression");
            List<Map<String, Object>> distribution = (List<Map<String, Object>>) answer.get("distribution");
            assertExpression(
                    (String) answer.get("label"),
                    ((Number) answer.get("probability")).floatValue(),
                    distribution.stream()
                            .map(label -> (String) label.get("label"))
                            .toList(),
                    distribution.stream()
                            .map(label -> ((Number) label.get("probability")).floatValue())
                            .toList());
        }
        if (landmarks) {
            List<Map<String, Number>> points =
                    (List<Map<String, Number>>) ((Map<String, Object>) face.get("landmarks")).get("points");
            assertPointsInCrop(
                    points.stream()
                            .map(point -> new float[] {
                                point.get("x").floatValue(), point.get("y").floatValue()
                            })
                            .toList(),
                    box.get("x").floatValue(),
                    box.get("y").floatValue(),
                    box.get("width").floatValue(),
                    box.get("height").floatValue());
        }
        if (embedding) {
            List<Number> values = (List<Number>) ((Map<String, Object>) face.get("embedding")).get("values");
            assertUnitEmbedding(values.stream().map(Number::floatValue).toList());
        }
    }

    // ---- protobuf (gRPC) ----

    static void assertProtoFace(
            Face face, boolean attributes, boolean expression, boolean landmarks, boolean embedding) {
        assertEquals(attributes, face.hasAttributes());
        assertEquals(expression, face.hasExpression());
        assertEquals(landmarks, face.hasLandmarks());
        assertEquals(embedding, face.hasEmbedding());
        if (attributes) {
            List<LabelProbability> labels = face.getAttributes().getLabelsList();
            assertAttributes(
                    labels.stream().map(LabelProbability::getLabel).toList(),
                    labels.stream().map(LabelProbability::getProbability).toList());
        }
        if (expression) {
            List<LabelProbability> distribution = face.getExpression().getDistributionList();
            assertExpression(
                    face.getExpression().getLabel(),
                    face.getExpression().getProbability(),
                    distribution.stream().map(LabelProbability::getLabel).toList(),
                    distribution.stream().map(LabelProbability::getProbability).toList());
        }
        if (landmarks) {
            BoundingBox box = face.getBox();
            assertPointsInCrop(
                    face.getLandmarks().getPointsList().stream()
                            .map(point -> new float[] {point.getX(), point.getY()})
                            .toList(),
                    box.getX(),
                    box.getY(),
                    box.getWidth(),
                    box.getHeight());
        }
        if (embedding) {
            assertUnitEmbedding(face.getEmbedding().getValuesList());
        }
    }

    static List<float[]> points(List<Point> points) {
        return points.stream()
                .map(point -> new float[] {point.getX(), point.getY()})
                .toList();
    }
}
