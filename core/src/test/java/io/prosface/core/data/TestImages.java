package io.prosface.core.data;

import io.prosface.core.RepositoryRoot;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/** Crafted inputs and the path to the shared real data (never copied into the repository). */
public final class TestImages {

    private TestImages() {}

    /** ../shared/data relative to the repository root ({@link RepositoryRoot}). */
    public static Path sharedData(String folder) {
        Path path = RepositoryRoot.resolve("../shared/data").resolve(folder);
        Assumptions.assumeTrue(
                Files.isDirectory(path),
                "real face data not found at " + path.toAbsolutePath() + " (see CONTRACTS.md); skipping");
        return path;
    }

    /** A smooth colour gradient, different in every channel, so resampling errors show. */
    public static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int red = x * 255 / Math.max(1, width - 1);
                int green = y * 255 / Math.max(1, height - 1);
                int blue = (x + y) * 255 / Math.max(1, width + height - 2);
                image.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A syntactically valid PNG whose IHDR announces width x height RGB pixels but carries one tiny IDAT. */
    static byte[] pngWithHeader(int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).order(ByteOrder.BIG_ENDIAN);
        header.putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        writeChunk(png, "IHDR", header.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[16]);
        deflater.finish();
        byte[] compressed = new byte[64];
        int length = deflater.deflate(compressed);
        writeChunk(png, "IDAT", java.util.Arrays.copyOf(compressed, length));
        writeChunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** One PNG chunk: length, type, data and the CRC of type and data. */
    static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * A lossless WebP (VP8L) of one colour, written bit by bit: no transforms, no colour cache, and five "simple"
     * prefix codes with one symbol each, so every pixel takes zero bits.
     */
    public static byte[] solidWebp(int width, int height, int red, int green, int blue) {
        BitWriter bits = new BitWriter();
        bits.write(0x2f, 8); // VP8L signature
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(0, 1); // alpha unused
        bits.write(0, 3); // version
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes
        for (int symbol : new int[] {green, red, blue, 255, 0}) { // green, red, blue, alpha, distance
            bits.write(1, 1); // simple code
            bits.write(0, 1); // one symbol
            bits.write(1, 1); // 8-bit symbol
            bits.write(symbol, 8);
        }
        byte[] payload = bits.toBytes();
        int padded = payload.length + (payload.length & 1);
        ByteBuffer riff = ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + padded);
        riff.put("WEBP".getBytes(StandardCharsets.US_ASCII)).put("VP8L".getBytes(StandardCharsets.US_ASCII));
        riff.putInt(payload.length).put(payload);
        return riff.array();
    }

    /** LSB-first bit packing as VP8L reads it. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long buffer;
        private int count;

        void write(int value, int width) {
            buffer |= ((long) value & ((1L << width) - 1)) << count;
            count += width;
            while (count >= 8) {
                out.write((int) (buffer & 0xFF));
                buffer >>>= 8;
                count -= 8;
            }
        }

        byte[] toBytes() {
            if (count > 0) {
                out.write((int) (buffer & 0xFF));
                buffer = 0;
                count = 0;
            }
            return out.toByteArray();
        }
    }
}
