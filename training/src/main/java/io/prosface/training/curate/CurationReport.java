package io.prosface.training.curate;

import com.google.gson.GsonBuilder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The curation report: counts per decision, one line per image (report.json), and a contact sheet of kept (green)
 * and dropped (red, with the reason) samples with the detected face box drawn.
 */
public final class CurationReport {

    private static final int CELL = 96;
    private static final int CAPTION = 26;

    private CurationReport() {}

    /** Decision counts: "kept" plus one entry per drop reason. */
    public static Map<String, Integer> counts(FaceCuration.Outcome outcome) {
        Map<String, Integer> counts = new TreeMap<>();
        counts.put("kept", 0);
        for (Candidate candidate : outcome.candidates()) {
            counts.merge(candidate.kept() ? "kept" : candidate.reason, 1, Integer::sum);
        }
        return counts;
    }

    public static void write(
            Path directory, FaceCuration.Outcome outcome, Map<String, Object> parameters, int sheetSamples)
            throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("parameters", parameters);
        report.put("similarityThreshold", outcome.similarityThreshold());
        report.put("exemplars", outcome.exemplars());
        report.put("counts", counts(outcome));
        List<Map<String, Object>> images = new ArrayList<>();
        for (Candidate candidate : outcome.candidates()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("file", candidate.file.toString());
            line.put("decision", candidate.kept() ? "kept" : candidate.reason);
            line.put("detail", candidate.detail);
            line.put("faceFraction", candidate.faceFraction);
            if (!Double.isNaN(candidate.exemplarScore)) {
                line.put("exemplarScore", candidate.exemplarScore);
            }
            images.add(line);
        }
        report.put("images", images);
        Files.writeString(
                directory.resolve("report.json"),
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(report),
                StandardCharsets.UTF_8);
        List<Candidate> kept = outcome.candidates().stream()
                .filter(Candidate::kept)
                .limit(sheetSamples)
                .toList();
        List<Candidate> dropped = outcome.candidates().stream()
                .filter(c -> !c.kept() && c.thumbnail != null)
                .limit(sheetSamples)
                .toList();
        ImageIO.write(
                sheet(kept, dropped),
                "png",
                directory.resolve("contact-sheet.png").toFile());
    }

    /** Kept samples in the upper rows, dropped ones below, 8 per row. */
    static BufferedImage sheet(List<Candidate> kept, List<Candidate> dropped) {
        int columns = 8;
        int keptRows = Math.max(1, (kept.size() + columns - 1) / columns);
        int droppedRows = Math.max(1, (dropped.size() + columns - 1) / columns);
        int header = 18;
        int rowHeight = CELL + CAPTION;
        BufferedImage sheet = new BufferedImage(
                columns * (CELL + 4), 2 * header + (keptRows + droppedRows) * rowHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = sheet.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setColor(Color.DARK_GRAY);
        graphics.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        graphics.setColor(Color.WHITE);
        graphics.drawString("kept (" + kept.size() + " shown)", 4, 13);
        drawCells(graphics, kept, header, columns, new Color(60, 200, 60));
        int droppedTop = header + keptRows * rowHeight;
        graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        graphics.setColor(Color.WHITE);
        graphics.drawString("dropped (" + dropped.size() + " shown)", 4, droppedTop + 13);
        drawCells(graphics, dropped, droppedTop + header, columns, new Color(220, 60, 60));
        graphics.dispose();
        return sheet;
    }

    private static void drawCells(Graphics2D graphics, List<Candidate> cells, int top, int columns, Color frame) {
        graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        for (int i = 0; i < cells.size(); i++) {
            Candidate candidate = cells.get(i);
            int x = (i % columns) * (CELL + 4) + 2;
            int y = top + (i / columns) * (CELL + CAPTION);
            BufferedImage thumbnail = candidate.thumbnail;
            graphics.drawImage(thumbnail, x, y, null);
            if (candidate.face != null) {
                double scale = (double) thumbnail.getWidth() / candidate.width;
                graphics.setColor(Color.YELLOW);
                graphics.setStroke(new BasicStroke(1f));
                graphics.drawRect(
                        x + (int) (candidate.face.x() * scale),
                        y + (int) (candidate.face.y() * scale),
                        (int) (candidate.face.width() * scale),
                        (int) (candidate.face.height() * scale));
            }
            graphics.setColor(frame);
            graphics.setStroke(new BasicStroke(2f));
            graphics.drawRect(x - 1, y - 1, CELL + 1, CELL + 1);
            graphics.setColor(Color.WHITE);
            String first = candidate.kept()
                    ? String.format(
                            Locale.ROOT, "face %.0f%% s %.2f", 100 * candidate.faceFraction, candidate.exemplarScore)
                    : candidate.reason;
            graphics.drawString(first, x, y + CELL + 10);
            String second = candidate.kept() ? candidate.file.getFileName().toString() : candidate.detail;
            graphics.drawString(second.length() > 19 ? second.substring(0, 19) : second, x, y + CELL + 21);
        }
    }
}
