package io.prosface.server.render;

import io.prosface.core.data.FaceBox;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceResult;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Draws an {@link AnalysisResult} onto the image it answers, with Java2D: per face its box, its landmark points and a
 * caption ({@link AnswerCaptions}) in a dark box above the face (below it when there is no room), and the face's
 * number when there are several faces. Sizes follow the picture: line widths and text from the image's shorter side,
 * point radii from each face's size, so the drawing reads the same on a thumbnail and on a 12-megapixel photo.
 *
 * <p>Text needs fonts, and a server image may lack them (no fontconfig, no font files): then the first failure is
 * logged once and every later picture gets its boxes and points without text, instead of an error.
 */
public final class AnswerPainter {

    private static final Logger LOG = Logger.getLogger(AnswerPainter.class);

    /** What can be drawn; {@code draw=box,points} picks. */
    public enum Layer {
        BOX,
        POINTS,
        LABELS,
        /** The face's number (1 = largest, the order of the JSON answer); drawn only when there are several faces. */
        NUMBERS;

        /** Comma-separated layer names; absent or blank: {@link #DEFAULTS}; an unknown name is INVALID_ARGUMENT. */
        public static Set<Layer> parse(String text) {
            if (text == null || text.isBlank()) {
                return DEFAULTS;
            }
            Set<Layer> layers = EnumSet.noneOf(Layer.class);
            for (String name : text.split(",")) {
                if (name.isBlank()) {
                    continue;
                }
                layers.add(Arrays.stream(values())
                        .filter(layer -> layer.name().equalsIgnoreCase(name.trim()))
                        .findFirst()
                        .orElseThrow(() -> ServingException.invalidArgument(
                                "unknown draw layer '" + name.trim() + "'; known: box, points, labels, numbers")));
            }
            return layers;
        }

        public static final Set<Layer> DEFAULTS = Set.copyOf(EnumSet.allOf(Layer.class));
    }

    /** Face colours in answer order: bright, told apart easily, readable against the dark caption box. */
    private static final Color[] PALETTE = {
        new Color(0x00E676),
        new Color(0xFFC400),
        new Color(0x00B0FF),
        new Color(0xFF4081),
        new Color(0xB388FF),
        new Color(0xFF6E40)
    };

    private static final Color HALO = new Color(0, 0, 0, 140);

    private static final String FAMILY = "DejaVu Sans";

    private final Function<Float, Font> fonts;
    private final CaptionLayout captionLayout;
    private final AtomicBoolean textUnavailable = new AtomicBoolean();

    /** A painter writing in DejaVu Sans, or the JDK's logical sans-serif font where DejaVu is not installed. */
    public AnswerPainter() {
        this(size -> new Font(InstalledFamily.NAME, Font.PLAIN, 1).deriveFont(size));
    }

    /** A painter with its own fonts, by size in pixels (tests use one that fails). */
    AnswerPainter(Function<Float, Font> fonts) {
        this.fonts = fonts;
        this.captionLayout = new CaptionLayout(fonts);
    }

    /** Whether text has failed once and is no longer attempted. */
    boolean textUnavailable() {
        return textUnavailable.get();
    }

    /**
     * Draws {@code layers} of {@code result} onto {@code image}, in place.
     *
     * @param scale image pixels per pixel of the answer's coordinates (1, or 1/s for an image decoded subsampled)
     */
    public void paint(BufferedImage image, AnalysisResult result, double scale, Set<Layer> layers) {
        List<FaceResult> faces = result.faces();
        if (faces.isEmpty() || layers.isEmpty()) {
            return;
        }
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            int side = Math.min(image.getWidth(), image.getHeight());
            float line = Math.max(1.5f, side / 300f);
            for (int index = 0; index < faces.size(); index++) {
                FaceResult face = faces.get(index);
                Rectangle2D box = scaled(face.box(), scale);
                if (layers.contains(Layer.BOX)) {
                    drawBox(graphics, box, color(index), line);
                }
                if (layers.contains(Layer.POINTS)) {
                    drawPoints(graphics, face.outputs().get(FaceTask.LANDMARKS), box, scale, color(index));
                }
            }
            // text last, so no face's box or points cover another face's caption
            boolean numbered = layers.contains(Layer.NUMBERS) && faces.size() > 1;
            if (layers.contains(Layer.LABELS) || numbered) {
                float fontSize = Math.max(12f, side / 40f);
                guardText(() -> {
                    List<Rectangle> captions = new ArrayList<>();
                    for (int index = 0; index < faces.size() && layers.contains(Layer.LABELS); index++) {
                        captionLayout.draw(
                                graphics,
                                image,
                                scaled(faces.get(index).box(), scale),
                                pointsTop(faces.get(index).outputs().get(FaceTask.LANDMARKS), scale),
                                AnswerCaptions.of(faces.get(index), result.heads()),
                                color(index),
                                fontSize,
                                line,
                                captions);
                    }
                    for (int index = 0; index < faces.size() && numbered; index++) {
                        drawNumber(graphics, scaled(faces.get(index).box(), scale), index + 1, color(index), fontSize);
                    }
                });
            }
        } finally {
            graphics.dispose();
        }
    }

    private static Color color(int index) {
        return PALETTE[index % PALETTE.length];
    }

    private static Rectangle2D scaled(FaceBox box, double scale) {
        return new Rectangle2D.Double(box.x() * scale, box.y() * scale, box.width() * scale, box.height() * scale);
    }

    /** The box in the face's colour over a darker, wider halo, so it shows on light and dark backgrounds alike. */
    private static void drawBox(Graphics2D graphics, Rectangle2D box, Color color, float line) {
        graphics.setColor(HALO);
        graphics.setStroke(new BasicStroke(line * 2.2f));
        graphics.draw(box);
        graphics.setColor(color);
        graphics.setStroke(new BasicStroke(line));
        graphics.draw(box);
    }

    /** Dots with a radius of about 1/100 of the face's longer side (at least 1.5 px), outlined when large enough. */
    private static void drawPoints(
            Graphics2D graphics, TaskOutput landmarks, Rectangle2D box, double scale, Color color) {
        if (landmarks == null) {
            return;
        }
        double radius = Math.max(1.5, Math.max(box.getWidth(), box.getHeight()) / 100);
        graphics.setStroke(new BasicStroke((float) Math.max(0.75, radius / 3)));
        float[] values = landmarks.values();
        for (int index = 0; index + 1 < values.length; index += 2) {
            double x = values[index] * scale;
            double y = values[index + 1] * scale;
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            Ellipse2D dot = new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
            graphics.setColor(color);
            graphics.fill(dot);
            if (radius >= 3) {
                graphics.setColor(HALO);
                graphics.draw(dot);
            }
        }
    }

    /** The smallest y of the face's landmark points in image pixels; NaN without points. */
    private static double pointsTop(TaskOutput landmarks, double scale) {
        double top = Double.NaN;
        if (landmarks != null) {
            float[] values = landmarks.values();
            for (int index = 1; index < values.length; index += 2) {
                if (Float.isFinite(values[index]) && !(values[index] * scale >= top)) {
                    top = values[index] * scale;
                }
            }
        }
        return top;
    }

    /**
     * A square in the face's colour inside the box's top-right corner holding the face's number in black; the
     * corner a caption (aligned to the box's left edge) covers least.
     */
    private void drawNumber(Graphics2D graphics, Rectangle2D box, int number, Color color, float fontSize) {
        graphics.setFont(fonts.apply(fontSize).deriveFont(Font.BOLD));
        FontMetrics metrics = graphics.getFontMetrics();
        String text = Integer.toString(number);
        int pad = Math.max(2, metrics.getAscent() / 5);
        int height = metrics.getAscent() + 2 * pad;
        int width = Math.max(height, metrics.stringWidth(text) + 2 * pad);
        int left = (int) Math.round(box.getMaxX()) - width;
        int top = (int) Math.round(box.getY());
        graphics.setColor(color);
        graphics.fillRect(left, top, width, height);
        graphics.setColor(Color.BLACK);
        graphics.drawString(text, left + (width - metrics.stringWidth(text)) / 2, top + pad + metrics.getAscent());
    }

    /**
     * Runs text drawing unless it has failed before. Errors of the font subsystem surface as {@link Error}s or runtime
     * exceptions from the first font call: without fontconfig's configuration the JDK throws an
     * {@link InternalError} ("Fontconfig head is null"), without font files "Probable fatal error: No fonts found",
     * without libfreetype a {@link LinkageError}. Running out of memory is not one of them and goes on up.
     */
    private void guardText(Runnable drawing) {
        if (textUnavailable.get()) {
            return;
        }
        try {
            drawing.run();
        } catch (RuntimeException | Error failure) {
            if (failure instanceof OutOfMemoryError fatal) {
                throw fatal;
            }
            if (textUnavailable.compareAndSet(false, true)) {
                LOG.warn(
                        "cannot draw text, rendered answers show boxes and points only from now on (does the "
                                + "server image have fontconfig and a font such as fonts-dejavu-core?): " + failure,
                        failure);
            }
        }
    }

    /**
     * The family text is written in, looked up once on first use; a lookup that fails (no fonts) fails every use of
     * this class, which {@link #guardText} turns into pictures without text.
     */
    private static final class InstalledFamily {
        static final String NAME = Arrays.stream(GraphicsEnvironment.getLocalGraphicsEnvironment()
                                .getAvailableFontFamilyNames(Locale.ROOT))
                        .anyMatch(FAMILY::equals)
                ? FAMILY
                : Font.SANS_SERIF;
    }
}
