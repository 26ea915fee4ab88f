package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.ExifJpeg;
import io.prosface.core.data.FaceBox;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A phone held upright stores a landscape sensor image and an EXIF Orientation tag saying how to turn it. The server
 * must see the face as a photo viewer shows it, and answer in the upright image's pixels: the same face, box and
 * landmarks as for the upright JPEG.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class ExifOrientationTest {

    /** Pixels two JPEG encodings of the same face (one turned) may differ by, as a share of the face box side. */
    private static final double TOLERANCE = 0.05;

    @ParameterizedTest(name = "EXIF orientation {0}")
    @ValueSource(ints = {6, 8})
    void portraitJpegWithExifOrientationIsAnsweredLikeTheUprightJpeg(int orientation) {
        BufferedImage upright = uprightFace();
        // 6: the viewer turns the stored pixels 90° clockwise, so they are the upright face turned counter-clockwise
        BufferedImage stored =
                orientation == 6 ? TestImages.turnCounterClockwise(upright) : TestImages.turnClockwise(upright);
        JsonPath expected = post(TestImages.encode(upright, "jpg"), "");
        JsonPath answer =
                post(ExifJpeg.withOrientation(TestImages.encode(stored, "jpg"), orientation, orientation == 6), "");

        assertEquals(1, expected.getList("faces").size(), "the upright face is found");
        assertEquals(1, answer.getList("faces").size(), "the face is found in the turned photo");
        assertEquals(upright.getWidth(), answer.getInt("image.width"), "width of the upright image");
        assertEquals(upright.getHeight(), answer.getInt("image.height"), "height of the upright image");
        float side = expected.getFloat("faces[0].box.width");
        assertClose(box(expected), box(answer), side, "detected box");
        assertClose(points(expected), points(answer), side, "landmarks");
    }

    @Test
    void clientBoxOnExifRotatedJpegIsReadInUprightPixels() {
        BufferedImage upright = uprightFace();
        FaceBox box = FaceBox.enclosing(TestImages.lfpwPoints(TestImages.LFPW_FACE));
        String query = "box=" + Math.round(box.x()) + "," + Math.round(box.y()) + "," + Math.round(box.width()) + ","
                + Math.round(box.height());
        JsonPath expected = post(TestImages.encode(upright, "jpg"), query);
        JsonPath answer = post(
                ExifJpeg.withOrientation(TestImages.encode(TestImages.turnCounterClockwise(upright), "jpg"), 6, false),
                query);

        assertEquals(upright.getWidth(), answer.getInt("image.width"), "width of the upright image");
        assertEquals(upright.getHeight(), answer.getInt("image.height"), "height of the upright image");
        assertEquals(box(expected), box(answer), "the client's box is echoed in upright pixels");
        assertClose(points(expected), points(answer), box.width(), "landmarks");
    }

    private static JsonPath post(byte[] jpeg, String query) {
        return given().contentType("image/jpeg")
                .body(jpeg)
                .when()
                .post("/v1/landmarks" + (query.isEmpty() ? "" : "?" + query))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static BufferedImage uprightFace() {
        try {
            return ImageIO.read(new ByteArrayInputStream(TestImages.lfpwJpeg()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Float> box(JsonPath answer) {
        Map<String, Number> box = answer.getMap("faces[0].box");
        return List.of(
                box.get("x").floatValue(),
                box.get("y").floatValue(),
                box.get("width").floatValue(),
                box.get("height").floatValue());
    }

    private static List<Float> points(JsonPath answer) {
        List<Map<String, Number>> points = answer.getList("faces[0].landmarks.points");
        assertFalse(points.isEmpty(), "landmarks answered");
        return points.stream()
                .flatMap(point -> java.util.stream.Stream.of(
                        point.get("x").floatValue(), point.get("y").floatValue()))
                .toList();
    }

    private static void assertClose(List<Float> expected, List<Float> actual, float faceSide, String what) {
        assertEquals(expected.size(), actual.size(), what);
        double limit = TOLERANCE * faceSide;
        for (int index = 0; index < expected.size(); index++) {
            assertTrue(
                    Math.abs(expected.get(index) - actual.get(index)) <= limit,
                    what + " value " + index + ": " + actual.get(index) + " vs upright " + expected.get(index)
                            + " (limit " + limit + " px)");
        }
    }
}
