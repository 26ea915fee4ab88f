package io.prosface.server.inference.analysis;

/** Names the encoding of image bytes from their first bytes (for answers; the decoder does the real checking). */
final class ImageFormats {

    private ImageFormats() {}

    static String sniff(byte[] bytes) {
        if (startsWith(bytes, 0, 0xFF, 0xD8)) {
            return "jpeg";
        }
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G')) {
            return "png";
        }
        if (startsWith(bytes, 0, 'B', 'M')) {
            return "bmp";
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
            return "webp";
        }
        return "unknown";
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int index = 0; index < expected.length; index++) {
            if ((bytes[offset + index] & 0xFF) != expected[index]) {
                return false;
            }
        }
        return true;
    }
}
