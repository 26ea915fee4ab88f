package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.ImageDecoder;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/render} on a real face: the picture is the input at its size with points drawn exactly where
 * {@code /v1/analyze} places them and nothing changed far from the face; format choice (Accept, format) and refusals.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class RenderResourceTest {

    /** Rendered pictures for a person to look at (not asserted on). */
    private static final Path PREVIEWS = Path.of("target", "render-previews");

    private static ExtractableResponse<Response> render(byte[] image, String query, String accept) {
        return given().contentType("image/jpeg")
                .accept(accept)
                .body(image)
                .when()
                .post("/v1/render" + (query.isEmpty() ? "" : "?" + query))
                .then()
                .statusCode(200)
                .extract();
    }

    private static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertNotNull(image, "the answer decodes as an image");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Landmarks of the first face, x0,y0,x1,y1,... in image pixels, as /v1/analyze answers them. */
    private static float[] analyzedPoints(byte[] image) {
        JsonPath answer = given().contentType("image/jpeg")
                .body(image)
                .when()
                .post("/v1/analyze?tasks=landmarks")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Map<String, Number>> points = answer.getList("faces[0].landmarks.points");
        float[] values = new float[points.size() * 2];
        for (int index = 0; index < points.size(); index++) {
            values[2 * index] = points.get(index).get("x").floatValue();
            values[2 * index + 1] = points.get(index).get("y").floatValue();
        }
        return values;
    }

    private static double distanceToNearest(float[] points, int x, int y) {
        double nearest = Double.MAX_VALUE;
        for (int index = 0; index + 1 < points.length; index += 2) {
            nearest = Math.min(nearest, Math.hypot(points[index] - x, points[index + 1] - y));
        }
        return nearest;
    }

    @Test
    void pointsAreDrawnWhereAnalyzePlacesThemAndNothingElseChanges() {
        byte[] jpeg = TestImages.lfpwJpeg();
        BufferedImage input = ImageDecoder.withDefaultLimits().decode(jpeg); // the server's decoder: same pixels
        float[] points = analyzedPoints(jpeg);
        assertEquals(136, points.length, "68 points");

        ExtractableResponse<Response> response = render(jpeg, "draw=points", "image/png");
        assertEquals("image/png", response.contentType());
        assertEquals("1", response.header("X-Faces"));
        BufferedImage picture = decode(response.asByteArray());
        assertEquals(input.getWidth(), picture.getWidth());
        assertEquals(input.getHeight(), picture.getHeight());

        int inside = 0;
        for (int index = 0; index + 1 < points.length; index += 2) {
            int x = Math.round(points[index]);
            int y = Math.round(points[index + 1]);
            if (x >= 0 && y >= 0 && x < input.getWidth() && y < input.getHeight()) {
                inside++;
                assertNotEquals(
                        input.getRGB(x, y) & 0xFFFFFF,
                        picture.getRGB(x, y) & 0xFFFFFF,
                        "a dot at landmark " + index / 2 + " (" + x + "," + y + ")");
            }
        }
        assertTrue(inside > 34, "most landmarks lie in the image: " + inside);
        // dots have a radius of 1/100 of the face (a few pixels here): 6 pixels away nothing may have changed
        int unchanged = 0;
        for (int y = 0; y < input.getHeight(); y++) {
            for (int x = 0; x < input.getWidth(); x++) {
                if (distanceToNearest(points, x, y) > 6) {
                    assertEquals(
                            input.getRGB(x, y) & 0xFFFFFF,
                            picture.getRGB(x, y) & 0xFFFFFF,
                            "pixel " + x + "," + y + " far from every landmark");
                    unchanged++;
                }
            }
        }
        assertTrue(unchanged > input.getWidth() * input.getHeight() / 2, "most of the picture is compared");
    }

    @Test
    void theDefaultDrawingKeepsTheSizeMarksTheLandmarksAndLeavesTheCornersAlone() throws IOException {
        byte[] jpeg = TestImages.lfpwJpeg();
        BufferedImage input = ImageDecoder.withDefaultLimits().decode(jpeg);
        float[] points = analyzedPoints(jpeg);
        byte[] png = render(jpeg, "", "image/png").asByteArray();
        BufferedImage picture = decode(png);
        assertEquals(input.getWidth(), picture.getWidth());
        assertEquals(input.getHeight(), picture.getHeight());
        for (int index = 0; index + 1 < points.length; index += 2) {
            int x = Math.round(points[index]);
            int y = Math.round(points[index + 1]);
            if (x >= 0 && y >= 0 && x < input.getWidth() && y < input.getHeight()) {
                assertNotEquals(
                        input.getRGB(x, y) & 0xFFFFFF, picture.getRGB(x, y) & 0xFFFFFF, "landmark " + index / 2);
            }
        }
        int changed = 0;
        for (int y = 0; y < input.getHeight(); y++) {
            for (int x = 0; x < input.getWidth(); x++) {
                changed += input.getRGB(x, y) == picture.getRGB(x, y) ? 0 : 1;
            }
        }
        assertTrue(
                changed < input.getWidth() * input.getHeight() / 2,
                "a drawing over the photo, not a new picture: " + changed + " pixels changed");
        Files.createDirectories(PREVIEWS);
        Files.write(PREVIEWS.resolve("lfpw-" + TestImages.LFPW_FACE + ".png"), png);
    }

    @Test
    void severalFacesAreNumberedAndCounted() throws IOException {
        BufferedImage first = ImageDecoder.withDefaultLimits().decode(TestImages.lfpwJpeg());
        BufferedImage second =
                ImageDecoder.withDefaultLimits().decode(TestImages.read(TestImages.lfpw("image_0002", ".jpg")));
        BufferedImage both = new BufferedImage(
                first.getWidth() + second.getWidth(),
                Math.max(first.getHeight(), second.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = both.createGraphics();
        graphics.drawImage(first, 0, 0, null);
        graphics.drawImage(second, first.getWidth(), 0, null);
        graphics.dispose();
        byte[] jpeg = TestImages.encode(both, "jpeg");
        int faces = given().contentType("image/jpeg")
                .body(jpeg)
                .when()
                .post("/v1/analyze?tasks=landmarks")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("faces")
                .size();
        ExtractableResponse<Response> response = render(jpeg, "", "*/*");
        assertEquals("image/png", response.contentType(), "png without a preference");
        assertEquals(String.valueOf(faces), response.header("X-Faces"));
        Files.createDirectories(PREVIEWS);
        Files.write(PREVIEWS.resolve("two-lfpw-faces.png"), response.asByteArray());
    }

    @Test
    void acceptImageJpegGetsAJpegAndTheFormatParameterWinsOverAccept() {
        byte[] jpeg = TestImages.lfpwJpeg();
        BufferedImage input = ImageDecoder.withDefaultLimits().decode(jpeg);
        ExtractableResponse<Response> response = render(jpeg, "", "image/jpeg");
        assertEquals("image/jpeg", response.contentType());
        byte[] bytes = response.asByteArray();
        assertEquals(0xFF, bytes[0] & 0xFF);
        assertEquals(0xD8, bytes[1] & 0xFF);
        BufferedImage picture = decode(bytes);
        assertEquals(input.getWidth(), picture.getWidth());
        assertEquals(input.getHeight(), picture.getHeight());

        assertEquals(
                "image/jpeg", render(jpeg, "", "image/png;q=0.5, image/jpeg").contentType(), "the higher q");
        assertEquals("image/png", render(jpeg, "format=png", "image/jpeg").contentType(), "format wins");
        assertEquals("image/jpeg", render(jpeg, "format=jpeg", "image/png").contentType(), "format wins");
    }

    @Test
    void anUnknownFormatIsInvalidArgument() {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/render?format=gif")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("format must be png or jpeg, got 'gif'"));
    }

    @Test
    void anAcceptWithoutPngOrJpegIsNotAcceptable() {
        given().contentType("image/jpeg")
                .accept("application/json")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/render")
                .then()
                .statusCode(406)
                .contentType("application/json")
                .body("code", equalTo("NOT_ACCEPTABLE"))
                .body("message", containsString("image/png or image/jpeg"));
    }

    @Test
    void aTextBodyIsInvalidArgument() {
        // input: the UTF-8 bytes of a sentence, sent as application/octet-stream
        given().contentType("application/octet-stream")
                .body("this is a sentence, not an image".getBytes(StandardCharsets.UTF_8))
                .when()
                .post("/v1/render")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("invalid image"));
    }

    @Test
    void anUnknownDrawLayerIsInvalidArgument() {
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/render?draw=box,halo")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("unknown draw layer 'halo'"));
    }

    @Test
    void aPictureWithoutAFaceComesBackUnchanged() {
        byte[] gray = TestImages.grayPng();
        ExtractableResponse<Response> response = given().contentType("image/png")
                .body(gray)
                .when()
                .post("/v1/render")
                .then()
                .statusCode(200)
                .extract();
        assertEquals("0", response.header("X-Faces"));
        BufferedImage input = decode(gray);
        BufferedImage picture = decode(response.asByteArray());
        assertEquals(input.getWidth(), picture.getWidth());
        for (int y = 0; y < input.getHeight(); y++) {
            for (int x = 0; x < input.getWidth(); x++) {
                assertEquals(input.getRGB(x, y), picture.getRGB(x, y));
            }
        }
    }

    @Test
    void multipartUploadsWorkLikeRawBodies() {
        ExtractableResponse<Response> response = given().multiPart(
                        "image", "face.jpg", TestImages.lfpwJpeg(), "image/jpeg")
                .multiPart("box", "20,20,150,160")
                .when()
                .post("/v1/render?format=jpeg")
                .then()
                .statusCode(200)
                .extract();
        assertEquals("image/jpeg", response.contentType());
        assertEquals("1", response.header("X-Faces"));
        decode(response.asByteArray());
        assertTrue(
                Metrics.value(
                                Metrics.scrape(),
                                "pros_requests_total",
                                "api=\"http\"",
                                "method=\"render\"",
                                "status=\"OK\"")
                        >= 1,
                "counted like the other routes");
    }

    @Test
    void openApiDescribesTheRouteAndItsPictures() {
        String openApi = given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(openApi.contains("\"/v1/render\""));
        assertTrue(
                openApi.contains("\"image/png\"") && openApi.contains("\"image/jpeg\"") && openApi.contains("X-Faces"));
    }
}
