package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.prosface.core.train.TaskMetrics;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.Point;
import io.prosface.grpc.v1.PredictLandmarksRequest;
import io.prosface.grpc.v1.PredictLandmarksResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The committed default model's landmarks on real faces: LFPW training images (never seen by the model, which
 * learnt from synthetic faces only), each asked over REST and gRPC with face detection as a client would, scored
 * by NME against the image's 68-point .pts annotation (mean point error / outer-eye-corner distance, 300-W's
 * inter-ocular normalisation). The points must land on the face, in its pixels, with a sane error.
 */
@QuarkusTest
@TestProfile(DefaultModelProfile.class)
class TrainedLandmarksTest {

    /** Images 0001-0020 of lfpw/train. */
    private static final List<String> IMAGES = IntStream.rangeClosed(1, 20)
            .mapToObj(number -> String.format("image_%04d", number)).toList();
    /**
     * Bound on the mean NME: a sanity bound on the whole path (detection, crop with margin, landmark head, mapping
     * back to input-image pixels), not a quality goal. Measured on lfpw/train: all 68 points at the box centre
     * score about 0.6, and so does a broken mapping (swapped axes, a wrong crop offset or scale); the committed
     * synthetic-only default scores 0.26 on these 20 faces (0.31 on the first 100), i.e. about the mean face shape
     * placed in the right box: on real faces its landmarks are coarse (README, "The default checkpoint").
     */
    private static final double MAX_MEAN_NME = 0.35;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub grpc;

    @Test
    void restLandmarksOfTheDefaultModelLandNearTheAnnotation() {
        assertSaneMeanNme("REST", image -> {
            JsonPath answer = given().contentType("image/jpeg").body(TestImages.read(TestImages.lfpw(image, ".jpg")))
                    .when().post("/v1/landmarks").then().statusCode(200).extract().jsonPath();
            assertTrue(answer.getString("model.backbone").startsWith("vit_tiny_patch8_64@"), "serves models/default");
            List<Map<String, Number>> points = answer.getList("faces[0].landmarks.points");
            if (points == null) {
                return null;
            }
            float[] predicted = new float[68 * 2];
            for (int i = 0; i < 68; i++) {
                predicted[2 * i] = coordinate(points.get(i), "x");
                predicted[2 * i + 1] = coordinate(points.get(i), "y");
            }
            return predicted;
        });
    }

    @Test
    void grpcLandmarksOfTheDefaultModelLandNearTheAnnotation() {
        assertSaneMeanNme("gRPC", image -> {
            PredictLandmarksResponse response = grpc.predictLandmarks(PredictLandmarksRequest.newBuilder()
                    .setImage(ByteString.copyFrom(TestImages.read(TestImages.lfpw(image, ".jpg")))).build());
            if (response.getFacesCount() == 0) {
                return null;
            }
            List<Point> points = response.getFaces(0).getLandmarks().getPointsList();
            assertEquals(68, points.size());
            float[] predicted = new float[68 * 2];
            for (int i = 0; i < 68; i++) {
                predicted[2 * i] = points.get(i).getX();
                predicted[2 * i + 1] = points.get(i).getY();
            }
            return predicted;
        });
    }

    /**
     * Scores every image's answer against its .pts and asserts the mean NME bound.
     *
     * @param landmarksOf image name -> x0,y0,x1,y1,... of the first face in image pixels, or null when the detector
     *     found no face (nothing to score)
     */
    private static void assertSaneMeanNme(String api, Function<String, float[]> landmarksOf) {
        double total = 0;
        int faces = 0;
        for (String image : IMAGES) {
            float[] predicted = landmarksOf.apply(image);
            if (predicted != null) {
                total += nme(predicted, TestImages.lfpwPoints(image));
                faces++;
            }
        }
        assertTrue(faces >= 16, "the detector found only " + faces + " of " + IMAGES.size() + " faces");
        double mean = total / faces;
        System.out.printf(java.util.Locale.ROOT, "TrainedLandmarksTest: mean NME %.4f over %d LFPW faces (%s)%n", mean,
                faces, api);
        assertTrue(mean < MAX_MEAN_NME, "mean NME over " + faces + " LFPW faces (" + api + "): " + mean);
    }

    private static float coordinate(Map<String, Number> point, String axis) {
        Number value = point.get(axis);
        return value == null ? 0f : value.floatValue(); // JSON leaves out zero coordinates, as protobuf does
    }

    /** Mean point-to-point error over the 68 points, divided by the distance of the outer eye corners 36 and 45. */
    static double nme(float[] predicted, float[] truth) {
        int left = TaskMetrics.OUTER_EYE_CORNER_LEFT;
        int right = TaskMetrics.OUTER_EYE_CORNER_RIGHT;
        double interOcular = Math.hypot(truth[2 * left] - truth[2 * right], truth[2 * left + 1] - truth[2 * right + 1]);
        double error = 0;
        for (int i = 0; i < 68; i++) {
            error += Math.hypot(predicted[2 * i] - truth[2 * i], predicted[2 * i + 1] - truth[2 * i + 1]);
        }
        return error / 68 / interOcular;
    }
}
