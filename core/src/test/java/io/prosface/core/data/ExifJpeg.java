package io.prosface.core.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Puts an EXIF APP1 segment holding only an Orientation tag into a JPEG, as a phone camera writes it. */
public final class ExifJpeg {

    private ExifJpeg() {}

    /**
     * The JPEG with its JFIF APP0 (if it starts with one) replaced by an APP1 "Exif" segment whose IFD0 holds one
     * entry, Orientation = {@code orientation}; {@code bigEndian} picks "MM" or "II" byte order.
     */
    public static byte[] withOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        if ((jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        int rest = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            rest = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        }
        byte[] tiff = tiffWithOrientation(orientation, bigEndian);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        int length = 2 + 6 + tiff.length;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(jpeg, rest, jpeg.length - rest);
        return out.toByteArray();
    }

    /** A TIFF header and an IFD0 of one SHORT entry, 0x0112 = orientation, and no next IFD. */
    public static byte[] tiffWithOrientation(int orientation, boolean bigEndian) {
        ByteBuffer tiff =
                ByteBuffer.allocate(8 + 2 + 12 + 4).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) (bigEndian ? 'M' : 'I'))
                .put((byte) (bigEndian ? 'M' : 'I'))
                .putShort((short) 42)
                .putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0);
        tiff.putInt(0);
        return tiff.array();
    }
}
