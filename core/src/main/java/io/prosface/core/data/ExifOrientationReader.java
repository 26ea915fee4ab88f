package io.prosface.core.data;

import java.nio.charset.StandardCharsets;

/**
 * Reads the EXIF orientation tag (0x0112 in IFD0) from untrusted JPEG (APP1 "Exif"), PNG (eXIf chunk) and WebP
 * (RIFF "EXIF" chunk) bytes. Every length and offset is checked against the bytes actually there and every walk is
 * bounded, so a hostile file can only make it answer {@link Orientation#NORMAL}; it never throws on bad data.
 */
public final class ExifOrientationReader {

    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;
    /** More segments or chunks than any real file has before its pixels: stop looking. */
    private static final int MAX_SEGMENTS = 256;
    /** IFD0 entries looked at; real files have a few dozen. */
    private static final int MAX_ENTRIES = 512;

    private static final byte[] EXIF_PREFIX = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);

    private ExifOrientationReader() {}

    /** The file's orientation; {@link Orientation#NORMAL} when it has no (readable) tag. */
    public static Orientation read(byte[] bytes) {
        if (bytes == null) {
            return Orientation.NORMAL;
        }
        int value;
        if (bytes.length >= 4 && u8(bytes, 0) == 0xFF && u8(bytes, 1) == 0xD8) {
            value = fromJpeg(bytes);
        } else if (bytes.length >= 8 && u8(bytes, 0) == 0x89 && ascii(bytes, 1, "PNG")) {
            value = fromPng(bytes);
        } else if (bytes.length >= 12 && ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) {
            value = fromWebp(bytes);
        } else {
            value = 1;
        }
        return Orientation.ofExif(value);
    }

    /** Markers after SOI until the scan starts: APP1 segments starting "Exif\0\0" hold a TIFF structure. */
    private static int fromJpeg(byte[] bytes) {
        int position = 2;
        for (int segment = 0; segment < MAX_SEGMENTS && position + 4 <= bytes.length; segment++) {
            if (u8(bytes, position) != 0xFF) {
                return 1;
            }
            int marker = u8(bytes, position + 1);
            if (marker == 0xFF) { // fill byte
                position++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan, end of image: no EXIF before the pixels
                return 1;
            }
            int length = u16(bytes, position + 2, true); // includes its own two bytes
            if (length < 2 || position + 2 + length > bytes.length) {
                return 1;
            }
            int data = position + 4;
            int dataLength = length - 2;
            if (marker == 0xE1 && dataLength > EXIF_PREFIX.length && startsWith(bytes, data, EXIF_PREFIX)) {
                return fromTiff(bytes, data + EXIF_PREFIX.length, dataLength - EXIF_PREFIX.length);
            }
            position += 2 + length;
        }
        return 1;
    }

    /** Chunks after the signature until IDAT: eXIf holds a TIFF structure (PNG 1.5 extension). */
    private static int fromPng(byte[] bytes) {
        int position = 8;
        for (int chunk = 0; chunk < MAX_SEGMENTS && position + 8 <= bytes.length; chunk++) {
            long length = u32(bytes, position, true);
            if (length > bytes.length - position - 12L) {
                return 1;
            }
            if (ascii(bytes, position + 4, "eXIf")) {
                return fromTiff(bytes, position + 8, (int) length);
            }
            if (ascii(bytes, position + 4, "IDAT") || ascii(bytes, position + 4, "IEND")) {
                return 1;
            }
            position += 12 + (int) length;
        }
        return 1;
    }

    /**
     * RIFF chunks (little-endian lengths, padded to even): "EXIF" holds a TIFF structure, some writers prefix
     * "Exif\0\0".
     */
    private static int fromWebp(byte[] bytes) {
        int position = 12;
        for (int chunk = 0; chunk < MAX_SEGMENTS && position + 8 <= bytes.length; chunk++) {
            long length = u32(bytes, position + 4, false);
            if (length > bytes.length - position - 8L) {
                return 1;
            }
            int data = position + 8;
            if (ascii(bytes, position, "EXIF")) {
                boolean prefixed = length > EXIF_PREFIX.length && startsWith(bytes, data, EXIF_PREFIX);
                return prefixed
                        ? fromTiff(bytes, data + EXIF_PREFIX.length, (int) length - EXIF_PREFIX.length)
                        : fromTiff(bytes, data, (int) length);
            }
            position = data + (int) length + (int) (length & 1);
        }
        return 1;
    }

    /** A TIFF structure at [start, start + length): byte order, 42, offset of IFD0, then 12-byte entries. */
    private static int fromTiff(byte[] bytes, int start, int length) {
        if (length < 8) {
            return 1;
        }
        boolean bigEndian;
        if (u8(bytes, start) == 'M' && u8(bytes, start + 1) == 'M') {
            bigEndian = true;
        } else if (u8(bytes, start) == 'I' && u8(bytes, start + 1) == 'I') {
            bigEndian = false;
        } else {
            return 1;
        }
        if (u16(bytes, start + 2, bigEndian) != 42) {
            return 1;
        }
        long ifd = u32(bytes, start + 4, bigEndian); // relative to the TIFF start; never trusted beyond the segment
        if (ifd < 8 || ifd > length - 2L) {
            return 1;
        }
        int count = u16(bytes, start + (int) ifd, bigEndian);
        int entries = start + (int) ifd + 2;
        int end = start + length;
        for (int index = 0; index < Math.min(count, MAX_ENTRIES); index++) {
            int entry = entries + 12 * index;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16(bytes, entry, bigEndian) == ORIENTATION_TAG) {
                // a SHORT with count 1 sits in the first two bytes of the value field
                boolean wellFormed =
                        u16(bytes, entry + 2, bigEndian) == TYPE_SHORT && u32(bytes, entry + 4, bigEndian) == 1;
                return wellFormed ? u16(bytes, entry + 8, bigEndian) : 1;
            }
        }
        return 1;
    }

    private static int u8(byte[] bytes, int position) {
        return bytes[position] & 0xFF;
    }

    private static int u16(byte[] bytes, int position, boolean bigEndian) {
        return bigEndian
                ? u8(bytes, position) << 8 | u8(bytes, position + 1)
                : u8(bytes, position + 1) << 8 | u8(bytes, position);
    }

    private static long u32(byte[] bytes, int position, boolean bigEndian) {
        long high = u16(bytes, bigEndian ? position : position + 2, bigEndian);
        long low = u16(bytes, bigEndian ? position + 2 : position, bigEndian);
        return high << 16 | low;
    }

    private static boolean ascii(byte[] bytes, int position, String text) {
        return startsWith(bytes, position, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] bytes, int position, byte[] prefix) {
        if (position < 0 || position + prefix.length > bytes.length) {
            return false;
        }
        for (int index = 0; index < prefix.length; index++) {
            if (bytes[position + index] != prefix[index]) {
                return false;
            }
        }
        return true;
    }
}
