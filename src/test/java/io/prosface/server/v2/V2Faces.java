package io.prosface.server.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.LabelProbability;
import io.prosface.grpc.v1.Point;
import io.prosface.server.TestImages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real LFPW faces and what pros.v1 Analyze answers for them, as the rows a v2 answer must hold. */
final class V2Faces {

    static final List<String> NAMES = List.of("image_0001", "image_0002", "image_0003", "image_0004");
    private static final float TOLERANCE = 2e-3f;
    private static final float PIXEL_TOLERANCE = 0.05f;

    private V2Faces() {}

    /**
     * The version number ("3") of the head that answers {@code task} by default now, as {@code /v1} reports it: tests
     * that run earlier in the same server may have installed versions after the checkpoint's v1.
     */
    static String currentVersion(String task) {
        String version = io.restassured.RestAssured.given()
                .contentType("image/jpeg")
                .body(images(1).get(0))
                .when()
                .post("/v1/" + task)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("model.heads.find { it.task == '" + task + "' }.head.version");
        return version.startsWith("v") ? version.substring(1) : version;
    }

    static List<byte[]> images(int count) {
        List<byte[]> images = new ArrayList<>();
        for (String name : NAMES.subList(0, count)) {
            images.add(TestImages.read(TestImages.lfpw(name, ".jpg")));
        }
        return images;
    }

    /** The largest face pros.v1 finds on each image (null: none), which is what v2 answers per image. */
    static List<Face> viaV1(FaceAnalysisGrpc.FaceAnalysisBlockingStub v1, List<byte[]> images) {
        List<Face> faces = new ArrayList<>();
        for (byte[] image : images) {
            AnalyzeResponse answer = v1.analyze(AnalyzeRequest.newBuilder()
                    .setImage(ByteString.copyFrom(image))
                    .build());
            faces.add(answer.getFacesCount() == 0 ? null : answer.getFaces(0));
        }
        return faces;
    }

    /** Per output name, the v1 values of one face in the v2 row layout; null face: no values. */
    static Map<String, float[]> rows(Face face) {
        Map<String, float[]> rows = new LinkedHashMap<>();
        rows.put("attributes", probabilities(face.getAttributes().getLabelsList()));
        rows.put("expression", probabilities(face.getExpression().getDistributionList()));
        float[] points = new float[face.getLandmarks().getPointsCount() * 2];
        for (int index = 0; index < face.getLandmarks().getPointsCount(); index++) {
            Point point = face.getLandmarks().getPoints(index);
            points[2 * index] = point.getX();
            points[2 * index + 1] = point.getY();
        }
        rows.put("landmarks", points);
        float[] embedding = new float[face.getEmbedding().getValuesCount()];
        for (int index = 0; index < embedding.length; index++) {
            embedding[index] = face.getEmbedding().getValues(index);
        }
        rows.put("embedding", embedding);
        if (face.hasAge()) {
            rows.put("age", new float[] {face.getAge().getYears()});
        }
        return rows;
    }

    static List<String> labels(List<LabelProbability> values) {
        return values.stream().map(LabelProbability::getLabel).toList();
    }

    private static float[] probabilities(List<LabelProbability> values) {
        float[] probabilities = new float[values.size()];
        for (int index = 0; index < probabilities.length; index++) {
            probabilities[index] = values.get(index).getProbability();
        }
        return probabilities;
    }

    /** Row {@code row} of a [N, ...] tensor equals the v1 values. */
    static void assertRow(String output, float[] expected, float[] tensor, int row) {
        assertEquals(0, tensor.length % expected.length, output + " length");
        float tolerance = output.equals("landmarks") ? PIXEL_TOLERANCE : TOLERANCE;
        for (int index = 0; index < expected.length; index++) {
            float actual = tensor[row * expected.length + index];
            assertTrue(
                    Math.abs(actual - expected[index]) <= tolerance,
                    output + " row " + row + " value " + index + ": v2 " + actual + " vs v1 " + expected[index]);
        }
    }

    static void assertNaNRow(String output, float[] tensor, int row, int rowSize) {
        for (int index = 0; index < rowSize; index++) {
            assertTrue(Float.isNaN(tensor[row * rowSize + index]), output + " row " + row + " should be NaN");
        }
    }
}
