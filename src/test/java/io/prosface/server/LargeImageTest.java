package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.SixteenBitPng;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * A small file that decodes large: a mostly constant 16-bit 6000x6600 PNG is about 1 MB but 237 MB of samples plus a
 * 158 MB RGB copy at full size. Under {@code max-pixels}, it must be answered without the server allocating hundreds
 * of MB for it (the test runs in the server's JVM, so it reads what the preprocessing threads allocated).
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class LargeImageTest {

    /** pros.input.max-decoded-bytes (64 MiB) and the reader's row buffers, with room to spare; full size is ~400 MB. */
    private static final long MAX_ALLOCATED_BYTES = 128L << 20;

    @Test
    void sixteenBitPng6000x6600IsAnsweredWithoutDecodingItAtFullSize() {
        byte[] png = SixteenBitPng.grey(6000, 6600, 128);
        Map<Long, Long> before = preprocessingAllocations();
        given().contentType("image/png")
                .body(png)
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .body("faces", hasSize(0))
                .body("image.width", equalTo(6000))
                .body("image.height", equalTo(6600));
        long allocated = 0;
        for (Map.Entry<Long, Long> thread : preprocessingAllocations().entrySet()) {
            allocated += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        assertTrue(
                allocated < MAX_ALLOCATED_BYTES,
                "preprocessing allocated " + (allocated >> 20) + " MiB for a " + (png.length >> 10) + " KiB PNG; limit "
                        + (MAX_ALLOCATED_BYTES >> 20) + " MiB");
    }

    /**
     * A 3200x3200 JPEG takes 72 MB decoded (3 + 4 bytes per pixel), over the 64 MiB limit, so it is decoded every
     * second pixel; its face, box and landmarks must still come back in its own pixels: twice those of the same
     * picture at 1600x1600 (decoded at full size).
     */
    @Test
    void jpeg3200x3200DecodedSubsampledIsAnsweredInItsFullSizePixels() throws Exception {
        BufferedImage face = ImageIO.read(new ByteArrayInputStream(TestImages.lfpwJpeg()));
        JsonPath small = post(TestImages.encode(scaled(face, 1600), "jpg"));
        JsonPath large = post(TestImages.encode(scaled(face, 3200), "jpg"));
        assertEquals(3200, large.getInt("image.width"));
        assertEquals(1, small.getList("faces").size());
        assertEquals(1, large.getList("faces").size());
        float side = small.getFloat("faces[0].box.width");
        for (String field : List.of("x", "y", "width", "height")) {
            assertEquals(
                    2 * small.getFloat("faces[0].box." + field),
                    large.getFloat("faces[0].box." + field),
                    0.05 * 2 * side,
                    "box " + field);
        }
        List<Float> smallPoints = small.getList("faces[0].landmarks.points.x", Float.class);
        List<Float> largePoints = large.getList("faces[0].landmarks.points.x", Float.class);
        List<Float> smallY = small.getList("faces[0].landmarks.points.y", Float.class);
        List<Float> largeY = large.getList("faces[0].landmarks.points.y", Float.class);
        assertEquals(68, largePoints.size());
        for (int index = 0; index < 68; index++) {
            assertEquals(2 * smallPoints.get(index), largePoints.get(index), 0.05 * 2 * side, "point " + index + " x");
            assertEquals(2 * smallY.get(index), largeY.get(index), 0.05 * 2 * side, "point " + index + " y");
        }
    }

    private static JsonPath post(byte[] jpeg) {
        return given().contentType("image/jpeg")
                .body(jpeg)
                .when()
                .post("/v1/landmarks")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static BufferedImage scaled(BufferedImage image, int side) {
        BufferedImage scaled = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = scaled.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(image, 0, 0, side, side, null);
        graphics.dispose();
        return scaled;
    }

    /** Bytes allocated so far by each live preprocessing thread, by thread id. */
    private static Map<Long, Long> preprocessingAllocations() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> allocated = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("pros-preprocess-")) {
                allocated.put(info.getThreadId(), threads.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return allocated;
    }
}
