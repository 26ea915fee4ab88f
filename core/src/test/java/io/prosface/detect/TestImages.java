package io.prosface.detect;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prosface.core.RepositoryRoot;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Real faces from ../shared/data (read in place, never copied) and generated images without a face. */
final class TestImages {

    static final Path DATA = RepositoryRoot.resolve("../shared/data");

    private TestImages() {}

    /** The first {@code count} files of a data folder ending in {@code suffix}, sorted; skips the test if absent. */
    static List<Path> dataFiles(String folder, String suffix, int count) {
        Path directory = DATA.resolve(folder);
        assumeTrue(
                Files.isDirectory(directory),
                "real face data not found at " + directory.toAbsolutePath() + " (see shared/data/README.md): skipped");
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .limit(count)
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes an image file into TYPE_INT_RGB, the type the server's decoder hands to the detector. */
    static BufferedImage readRgb(Path file) {
        try {
            BufferedImage decoded = ImageIO.read(file.toFile());
            return resized(decoded, decoded.getWidth(), decoded.getHeight());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage resized(BufferedImage image, int width, int height) {
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = rgb.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(image, 0, 0, width, height, null);
        graphics.dispose();
        return rgb;
    }

    /** Bounding box of the 68 iBUG points of a 300-W {@code .pts} file: the ground-truth face region. */
    static FaceBox landmarkBox(Path ptsFile) {
        try {
            double left = Double.MAX_VALUE;
            double top = Double.MAX_VALUE;
            double right = -Double.MAX_VALUE;
            double bottom = -Double.MAX_VALUE;
            for (String line : Files.readAllLines(ptsFile)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length != 2 || !Character.isDigit(fields[0].charAt(0))) {
                    continue; // header lines (version, n_points) and braces
                }
                double x = Double.parseDouble(fields[0]);
                double y = Double.parseDouble(fields[1]);
                left = Math.min(left, x);
                top = Math.min(top, y);
                right = Math.max(right, x);
                bottom = Math.max(bottom, y);
            }
            return new FaceBox((int) left, (int) top, (int) Math.ceil(right - left), (int) Math.ceil(bottom - top), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kinds of generated images that contain no face. */
    enum NonFace {
        NOISE,
        GRADIENT,
        SHAPES,
        TEXT,
        CHECKERBOARD,
        SMOOTH_BLOBS
    }

    static BufferedImage nonFace(NonFace kind, Random random, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        switch (kind) {
            case NOISE -> {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        image.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
            }
            case GRADIENT -> {
                graphics.setPaint(new GradientPaint(
                        0, 0, randomColour(random), size, size * random.nextFloat(), randomColour(random)));
                graphics.fillRect(0, 0, size, size);
            }
            case SHAPES -> drawShapes(graphics, random, size);
            case TEXT -> drawText(graphics, random, size);
            case CHECKERBOARD -> {
                int cell = 4 + random.nextInt(size / 8);
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        image.setRGB(x, y, (x / cell + y / cell) % 2 == 0 ? 0xFFFFFF : 0x202020);
                    }
                }
            }
            case SMOOTH_BLOBS -> {
                BufferedImage tiny = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        tiny.setRGB(x, y, random.nextInt(1 << 24));
                    }
                }
                graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
                graphics.drawImage(tiny, 0, 0, size, size, null);
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
        graphics.dispose();
        return image;
    }

    private static void drawShapes(Graphics2D graphics, Random random, int size) {
        graphics.setColor(randomColour(random));
        graphics.fillRect(0, 0, size, size);
        graphics.setStroke(new BasicStroke(3));
        for (int i = 0; i < 12; i++) {
            graphics.setColor(randomColour(random));
            int x = random.nextInt(size);
            int y = random.nextInt(size);
            int width = 10 + random.nextInt(size / 2);
            int height = 10 + random.nextInt(size / 2);
            switch (random.nextInt(4)) {
                case 0 -> graphics.fillOval(x - width / 2, y - height / 2, width, height);
                case 1 -> graphics.fillRect(x - width / 2, y - height / 2, width, height);
                case 2 -> graphics.drawOval(x - width / 2, y - height / 2, width, height);
                default ->
                    graphics.fillPolygon(
                            new int[] {x, x + width, x - width / 2}, new int[] {y, y + height / 2, y + height}, 3);
            }
        }
    }

    private static void drawText(Graphics2D graphics, Random random, int size) {
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, size, size);
        graphics.setColor(Color.BLACK);
        for (int line = 0; line < 8; line++) {
            graphics.setFont(
                    new Font(Font.SERIF, random.nextBoolean() ? Font.BOLD : Font.PLAIN, 10 + random.nextInt(size / 6)));
            graphics.drawString(
                    "ProS face server " + random.nextInt(1000), random.nextInt(size / 3), 20 + random.nextInt(size));
        }
    }

    private static Color randomColour(Random random) {
        return new Color(random.nextInt(1 << 24));
    }
}
