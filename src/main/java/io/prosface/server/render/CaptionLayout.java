package io.prosface.server.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Function;

/**
 * The captions of a rendered answer ({@link AnswerPainter}): where each face's caption goes without covering another
 * face's, at what text size it fits, and its drawing.
 */
final class CaptionLayout {

    private static final Color CAPTION_BACKGROUND = new Color(0, 0, 0, 190);
    /** Lighter over the face itself, so the forehead still shows through. */
    private static final Color CAPTION_INSIDE_BACKGROUND = new Color(0, 0, 0, 150);
    /** Smallest text, in pixels, when a caption is set smaller to fit a narrow picture. */
    private static final float MIN_FONT_SIZE = 8f;

    private final Function<Float, Font> fonts;

    /** Captions set in {@code fonts}, by size in pixels. */
    CaptionLayout(Function<Float, Font> fonts) {
        this.fonts = fonts;
    }

    /**
     * White lines on a dark box with a stripe of the face's colour, in the first place that fits in the picture
     * without covering an earlier face's caption: above the face, below it, right of it, left of it. A face that
     * fills the picture gets a compact caption inside its box, above its highest landmark point (the forehead), on a
     * lighter box: the lines that do not fit there are left out, last first ({@link AnswerCaptions} orders them by
     * importance), and the text is set smaller down to {@value #MIN_FONT_SIZE} px. Text wider than the picture is set
     * smaller.
     */
    void draw(
            Graphics2D graphics,
            BufferedImage image,
            Rectangle2D box,
            double pointsTop,
            List<String> lines,
            Color color,
            float fontSize,
            float line,
            List<Rectangle> placed) {
        if (lines.isEmpty()) {
            return;
        }
        int stripe = Math.max(2, Math.round(line * 1.5f));
        int gap = Math.round(line * 1.5f);
        float size = Math.min(fontSize, fittingSize(graphics, lines, fontSize, image.getWidth() - stripe));
        CaptionBox outside = CaptionBox.of(graphics, fonts.apply(size), lines, stripe);
        int width = outside.width();
        int height = outside.height();
        // above and below start at the box's left edge, moved left where the picture ends; beside it they start level
        int left = clamp((int) Math.round(box.getX()), image.getWidth() - width);
        int[][] corners = {
            {left, (int) Math.round(box.getY()) - gap - height},
            {left, (int) Math.round(box.getMaxY()) + gap},
            {(int) Math.round(box.getMaxX()) + gap, (int) Math.round(box.getY())},
            {(int) Math.round(box.getX()) - gap - width, (int) Math.round(box.getY())}
        };
        for (int[] corner : corners) {
            Rectangle candidate = new Rectangle(corner[0], corner[1], width, height);
            if (new Rectangle(0, 0, image.getWidth(), image.getHeight()).contains(candidate)
                    && placed.stream().noneMatch(candidate::intersects)) {
                placed.add(candidate);
                outside.draw(graphics, candidate, color, CAPTION_BACKGROUND);
                return;
            }
        }
        // inside the box, between its top edge and the highest point (or its top third without points)
        int top = (int) Math.round(box.getY()) + gap;
        double bottom = Double.isFinite(pointsTop) ? pointsTop - gap : box.getY() + box.getHeight() / 3;
        int room = (int) Math.max(0, bottom - top);
        int innerWidth = (int) Math.min(box.getWidth() - 2 * gap, image.getWidth()) - stripe;
        List<String> kept = lines;
        CaptionBox inside = null;
        while (!kept.isEmpty()) {
            float fits = Math.min(size, fittingSize(graphics, kept, size, innerWidth));
            fits = Math.max(
                    MIN_FONT_SIZE,
                    Math.min(
                            fits,
                            size
                                    * room
                                    / (float) CaptionBox.of(graphics, fonts.apply(size), kept, stripe)
                                            .height()));
            inside = CaptionBox.of(graphics, fonts.apply(fits), kept, stripe);
            if (inside.height() <= room || kept.size() == 1) {
                break;
            }
            kept = kept.subList(0, kept.size() - 1);
        }
        Rectangle candidate = new Rectangle(
                clamp((int) Math.round(box.getX()) + gap, image.getWidth() - inside.width()),
                clamp(top, image.getHeight() - inside.height()),
                inside.width(),
                inside.height());
        placed.add(candidate);
        inside.draw(graphics, candidate, color, CAPTION_INSIDE_BACKGROUND);
    }

    /** The largest size, at most {@code size}, at which the widest line fits in {@code width} pixels. */
    private float fittingSize(Graphics2D graphics, List<String> lines, float size, int width) {
        FontMetrics metrics = graphics.getFontMetrics(fonts.apply(size));
        int widest = lines.stream().mapToInt(metrics::stringWidth).max().orElse(0);
        int pad = Math.max(2, metrics.getAscent() / 4);
        return widest + 2 * pad <= width
                ? size
                : Math.max(MIN_FONT_SIZE, (float) Math.floor(size * (width - 2 * pad) / (float) Math.max(1, widest)));
    }

    /** Lines set in one font: their box's size, and how they are drawn into a place. */
    private record CaptionBox(
            Font font, FontMetrics metrics, List<String> lines, int stripe, int pad, int width, int height) {

        static CaptionBox of(Graphics2D graphics, Font font, List<String> lines, int stripe) {
            FontMetrics metrics = graphics.getFontMetrics(font);
            int pad = Math.max(2, metrics.getAscent() / 4);
            int widest = lines.stream().mapToInt(metrics::stringWidth).max().orElse(0);
            return new CaptionBox(
                    font,
                    metrics,
                    lines,
                    stripe,
                    pad,
                    stripe + 2 * pad + widest,
                    lines.size() * metrics.getHeight() + 2 * pad);
        }

        void draw(Graphics2D graphics, Rectangle place, Color color, Color background) {
            graphics.setColor(background);
            graphics.fill(place);
            graphics.setColor(color);
            graphics.fillRect(place.x, place.y, stripe, place.height);
            graphics.setColor(Color.WHITE);
            graphics.setFont(font);
            int baseline = place.y + pad + metrics.getAscent();
            for (String text : lines) {
                graphics.drawString(text, place.x + stripe + pad, baseline);
                baseline += metrics.getHeight();
            }
        }
    }

    /** {@code value} kept in [0, max]; 0 when even that does not fit. */
    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(value, max));
    }
}
