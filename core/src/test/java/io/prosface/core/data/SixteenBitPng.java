package io.prosface.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A real, complete 16-bit RGB PNG of one grey level, written row by row without ever holding its pixels: a few
 * hundred KB of file that decodes to width x height x 6 bytes of samples (the small-file decode-memory attack).
 */
public final class SixteenBitPng {

    private SixteenBitPng() {}

    public static byte[] grey(int width, int height, int level) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] row = new byte[1 + width * 6]; // filter byte 0 (None), then R, G, B as 16-bit big-endian samples
        for (int i = 1; i < row.length; i += 2) {
            row[i] = (byte) level;
            row[i + 1] = (byte) level;
        }
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_SPEED))) {
            for (int y = 0; y < height; y++) {
                deflate.write(row);
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13);
        header.putInt(width)
                .putInt(height)
                .put((byte) 16)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        TestImages.writeChunk(png, "IHDR", header.array());
        TestImages.writeChunk(png, "IDAT", compressed.toByteArray());
        TestImages.writeChunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }
}
