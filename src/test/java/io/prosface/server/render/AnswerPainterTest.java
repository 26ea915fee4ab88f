package io.prosface.server.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.FaceBox;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceResult;
import io.prosface.server.inference.analysis.RequestTiming;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadId;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Placement of the caption, and pictures without text (not an error) when fonts fail. */
class AnswerPainterTest {

    private static final int GRAY = 0x808080;

    private static BufferedImage gray(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(GRAY));
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        return image;
    }

    /** One face at the box, with a confident "happy" and one point at its centre. */
    private static AnalysisResult answer(FaceBox box, int width, int height) {
        TaskOutput expression = new TaskOutput("expression@v1", List.of("neutral", "happy"), new float[] {0.1f, 0.9f});
        TaskOutput landmarks = new TaskOutput(
                "landmarks@v1", List.of(), new float[] {box.x() + box.width() / 2, box.y() + box.height() / 2});
        FaceResult face =
                new FaceResult(box, true, 1f, Map.of(FaceTask.EXPRESSION, expression, FaceTask.LANDMARKS, landmarks));
        return new AnalysisResult(
                List.of(face),
                "vit@test",
                Map.of(FaceTask.EXPRESSION, new HeadId("expression", 1)),
                width,
                height,
                "png",
                new RequestTiming(0, 0, 0, 0, 0));
    }

    private static boolean changed(BufferedImage image, int left, int top, int right, int bottom) {
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != GRAY) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theCaptionGoesAboveTheFaceWhenThereIsRoomAndBelowOtherwise() {
        BufferedImage roomAbove = gray(300, 300);
        new AnswerPainter()
                .paint(roomAbove, answer(new FaceBox(100, 150, 100, 100), 300, 300), 1, AnswerPainter.Layer.DEFAULTS);
        assertTrue(changed(roomAbove, 100, 100, 200, 145), "caption above the box");
        assertFalse(changed(roomAbove, 100, 256, 200, 300), "nothing below the box");

        BufferedImage noRoom = gray(300, 300);
        new AnswerPainter()
                .paint(noRoom, answer(new FaceBox(100, 2, 100, 100), 300, 300), 1, AnswerPainter.Layer.DEFAULTS);
        assertTrue(changed(noRoom, 100, 106, 200, 140), "caption below the box");
    }

    @Test
    void whenFontsFailBoxesAndPointsAreStillDrawnAndTextIsNotTriedAgain() {
        // what the JDK throws at the first font call on a system without fontconfig's configuration (checked with
        // /etc/fonts and /usr/share/fonts hidden): an InternalError, which is a VirtualMachineError
        AnswerPainter painter = new AnswerPainter(size -> {
            throw new InternalError("Fontconfig head is null, check your fonts or fonts configuration");
        });
        FaceBox box = new FaceBox(100, 150, 100, 100);
        for (int attempt = 0; attempt < 2; attempt++) {
            BufferedImage image = gray(300, 300);
            painter.paint(image, answer(box, 300, 300), 1, AnswerPainter.Layer.DEFAULTS);
            assertTrue(painter.textUnavailable());
            assertNotEquals(GRAY, image.getRGB(100, 200) & 0xFFFFFF, "the box's left edge");
            assertNotEquals(GRAY, image.getRGB(150, 200) & 0xFFFFFF, "the point");
            assertFalse(changed(image, 100, 100, 200, 145), "no caption");
        }
    }

    @Test
    void layersAreParsedAndUnknownOnesRefused() {
        assertEquals(AnswerPainter.Layer.DEFAULTS, AnswerPainter.Layer.parse(null));
        assertEquals(
                java.util.EnumSet.of(AnswerPainter.Layer.BOX, AnswerPainter.Layer.POINTS),
                AnswerPainter.Layer.parse(" Box,points,"));
        assertEquals(
                "unknown draw layer 'halo'; known: box, points, labels, numbers",
                org.junit.jupiter.api.Assertions.assertThrows(
                                RuntimeException.class, () -> AnswerPainter.Layer.parse("halo"))
                        .getMessage());
    }
}
