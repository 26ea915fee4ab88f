package io.prosface.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prosface.core.RepositoryRoot;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real images from ../shared/data (tests skip without it) and generated good and bad inputs. */
public final class TestImages {

    /** Shared data, resolved from the repository root. */
    public static final Path DATA = RepositoryRoot.resolve("../shared/data");
    /** An LFPW crop with a single frontal face (the detector finds exactly one). */
    public static final String LFPW_FACE = "image_0001";

    private TestImages() {}

    public static Path lfpw(String name, String extension) {
        Path file = DATA.resolve("lfpw").resolve("train").resolve(name + extension);
        assumeTrue(
                Files.isRegularFile(file),
                "shared data absent: " + file.toAbsolutePath()
                        + " (tests on real faces need ../shared/data, see its README)");
        return file;
    }

    public static byte[] lfpwJpeg() {
        return read(lfpw(LFPW_FACE, ".jpg"));
    }

    /** The 68 annotated points of an LFPW image, x0,y0,x1,y1,... in its pixels. */
    public static float[] lfpwPoints(String name) {
        try {
            List<String> lines = Files.readAllLines(lfpw(name, ".pts"));
            List<Float> values = new ArrayList<>();
            for (String line : lines.subList(lines.indexOf("{") + 1, lines.indexOf("}"))) {
                for (String number : line.trim().split("\\s+")) {
                    values.add(Float.parseFloat(number));
                }
            }
            float[] points = new float[values.size()];
            for (int index = 0; index < points.length; index++) {
                points[index] = values.get(index);
            }
            return points;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A flat gray picture: no face anywhere. */
    public static byte[] grayPng() {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(128, 128, 128));
        graphics.fillRect(0, 0, 160, 120);
        graphics.dispose();
        return encode(image, "png");
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid PNG signature and header announcing width x height, then nothing: a decompression-bomb header. */
    public static byte[] pngHeader(int width, int height) {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(8 + 25);
        header.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        header.putInt(13);
        int chunkStart = header.position();
        header.put("IHDR".getBytes(StandardCharsets.US_ASCII));
        header.putInt(width).putInt(height);
        header.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(header.array(), chunkStart, 17);
        header.putInt((int) crc.getValue());
        return header.array();
    }

    /** A JPEG whose entropy-coded data (after the start-of-scan header) is overwritten with noise. */
    public static byte[] jpegWithBadHuffmanData(byte[] jpeg) {
        byte[] broken = jpeg.clone();
        int scan = -1;
        for (int index = 0; index + 1 < broken.length; index++) {
            if ((broken[index] & 0xff) == 0xff && (broken[index + 1] & 0xff) == 0xda) {
                scan = index;
                break;
            }
        }
        if (scan < 0) {
            throw new IllegalStateException("no start-of-scan marker");
        }
        int headerLength = ((broken[scan + 2] & 0xff) << 8) | (broken[scan + 3] & 0xff);
        java.util.Random random = new java.util.Random(7);
        // keep the scan header, then garble the coded data but never write 0xFF (which would start a marker)
        for (int index = scan + 2 + headerLength + 16; index < broken.length - 2; index++) {
            broken[index] = (byte) random.nextInt(0xff);
        }
        return broken;
    }

    public static byte[] randomBytes(int count, long seed) {
        byte[] bytes = new byte[count];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static byte[] truncated(byte[] bytes) {
        return java.util.Arrays.copyOf(bytes, bytes.length / 2);
    }

    /** The image turned a quarter clockwise. */
    public static BufferedImage turnClockwise(BufferedImage image) {
        BufferedImage turned = new BufferedImage(image.getHeight(), image.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                turned.setRGB(image.getHeight() - 1 - y, x, image.getRGB(x, y));
            }
        }
        return turned;
    }

    /** The image turned a quarter counter-clockwise (stored so that EXIF orientation 6 turns it upright). */
    public static BufferedImage turnCounterClockwise(BufferedImage image) {
        BufferedImage turned = new BufferedImage(image.getHeight(), image.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                turned.setRGB(y, image.getWidth() - 1 - x, image.getRGB(x, y));
            }
        }
        return turned;
    }
}
