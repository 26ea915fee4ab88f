package io.prosface.core.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A grid of labelled faces for eyeballing a data set: each cell shows the image with its landmarks as dots
 * (coloured by part: jaw, brows, nose, eyes, mouth) and, below, the expression, sex, age and a few attributes.
 * Works for any {@link FaceSample}; missing labels are simply not drawn.
 */
public final class ContactSheet {

    private static final int LINE_HEIGHT = 11;
    private static final int TEXT_LINES = 3;
    private static final Color[] PART_COLORS = {Color.YELLOW, Color.ORANGE, Color.CYAN, Color.GREEN, Color.RED};
    /** Attribute shown as a short tag when true (the tags read as a caption, not a table). */
    private static final String[][] TAGS = {
        {"Eyeglasses", "glasses"},
        {"Wearing_Hat", "hat"},
        {"Bald", "bald"},
        {"Bangs", "bangs"},
        {"Mustache", "mustache"},
        {"Goatee", "goatee"},
        {"5_o_Clock_Shadow", "stubble"},
        {"Smiling", "smile"},
        {"Mouth_Slightly_Open", "open"},
        {"Wearing_Lipstick", "lipstick"},
        {"Heavy_Makeup", "makeup"},
        {"Narrow_Eyes", "narrow"},
        {"Wearing_Earrings", "earrings"},
        {"Wearing_Necklace", "necklace"},
        {"Wearing_Necktie", "tie"},
        {"Blurry", "blurry"},
        {"Gray_Hair", "gray"},
        {"Blond_Hair", "blond"},
        {"Rosy_Cheeks", "rosy"}
    };

    private ContactSheet() {}

    /** Draws the samples row by row, {@code columns} per row, each image scaled to {@code cellSize} pixels. */
    public static BufferedImage draw(List<FaceSample> samples, int columns, int cellSize) {
        int rows = (samples.size() + columns - 1) / columns;
        int cellHeight = cellSize + TEXT_LINES * LINE_HEIGHT + 4;
        BufferedImage sheet =
                new BufferedImage(columns * (cellSize + 2), rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = sheet.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setColor(Color.DARK_GRAY);
            graphics.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int i = 0; i < samples.size(); i++) {
                int x = (i % columns) * (cellSize + 2);
                drawCell(graphics, samples.get(i), x, (i / columns) * cellHeight, cellSize);
            }
        } finally {
            graphics.dispose();
        }
        return sheet;
    }

    /** Draws the sheet and writes it as PNG, creating parent folders. */
    public static void write(List<FaceSample> samples, int columns, int cellSize, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ImageIO.write(draw(samples, columns, cellSize), "png", file.toFile());
    }

    private static void drawCell(Graphics2D graphics, FaceSample sample, int x, int y, int cellSize) {
        BufferedImage image = sample.image();
        graphics.drawImage(image, x, y, cellSize, cellSize, null);
        FaceLabels labels = sample.labels();
        if (labels == null) {
            return;
        }
        float[] landmarks = labels.landmarks();
        if (landmarks != null) {
            double scale = (double) cellSize / image.getWidth();
            double radius = Math.max(1.0, cellSize / 110.0);
            for (int point = 0; point < landmarks.length / 2; point++) {
                graphics.setColor(PART_COLORS[part(point)]);
                graphics.fill(new Ellipse2D.Double(
                        x + landmarks[2 * point] * scale - radius,
                        y + landmarks[2 * point + 1] * scale - radius,
                        2 * radius,
                        2 * radius));
            }
        }
        graphics.setColor(Color.WHITE);
        List<String> lines = caption(labels, cellSize);
        for (int line = 0; line < lines.size() && line < TEXT_LINES; line++) {
            graphics.drawString(lines.get(line), x + 2, y + cellSize + (line + 1) * LINE_HEIGHT);
        }
    }

    /** iBUG part of a point: 0 jaw, 1 brows, 2 nose, 3 eyes, 4 mouth. */
    private static int part(int point) {
        return point < 17 ? 0 : point < 27 ? 1 : point < 36 ? 2 : point < 48 ? 3 : 4;
    }

    private static List<String> caption(FaceLabels labels, int cellSize) {
        StringBuilder first = new StringBuilder(
                labels.expression() == null ? "?" : labels.expression().label());
        Map<String, Boolean> attributes = labels.attributes();
        if (labels.gender() != null) {
            first.append(labels.gender() == 0 ? " M" : " F");
        } else if (attributes != null && attributes.get("Male") != null) {
            first.append(attributes.get("Male") ? " M" : " F");
        }
        if (labels.age() != null) {
            first.append(' ').append(labels.age());
        }
        List<String> lines = new ArrayList<>(List.of(first.toString()));
        if (attributes == null) {
            return lines;
        }
        int maxChars = Math.max(8, cellSize / 6);
        StringBuilder line = new StringBuilder();
        for (String[] tag : TAGS) {
            if (!Boolean.TRUE.equals(attributes.get(tag[0]))) {
                continue;
            }
            if (line.length() + tag[1].length() + 1 > maxChars) {
                lines.add(line.toString());
                line = new StringBuilder();
            }
            line.append(line.length() == 0 ? "" : " ").append(tag[1]);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
