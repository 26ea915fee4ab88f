package io.prosface.core.data;

import io.prosface.core.data.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns untrusted image bytes into {@link BufferedImage#TYPE_INT_RGB} pixels, or refuses them with an
 * {@link InvalidImageException} whose reason says why.
 *
 * <p>Guards, in order: the byte count, then the width and height read from the header by an {@link ImageReader}
 * BEFORE any pixel is decoded (a 50000x50000 PNG is a few hundred bytes but would need 10 GB once decoded), then
 * decoding errors and decoder warnings. Warnings count as corruption: the JDK's JPEG decoder "succeeds" on a
 * truncated file and paints the missing part grey, which would turn into a confident but meaningless answer.
 *
 * <p>Formats: JPEG, PNG and BMP through the JDK; WebP when a reader plugin (TwelveMonkeys imageio-webp) is on the
 * classpath. Everything else (GIF, TIFF, ...) is refused as unsupported, which keeps the attack surface small.
 * Thread-safe: every call builds its own reader.
 */
public final class ImageDecoder {

    /** Default byte limit: 20 MiB, far above any face photo. */
    public static final long DEFAULT_MAX_BYTES = 20L << 20;
    /** Default pixel limit: 50 megapixels (200 MB as int RGB). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    private static final Set<String> ACCEPTED_FORMATS = Set.of("jpeg", "jpg", "png", "bmp", "webp");

    private final long maxBytes;
    private final long maxPixels;

    public ImageDecoder(long maxBytes, long maxPixels) {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("limits must be positive: maxBytes=" + maxBytes + ", maxPixels=" + maxPixels);
        }
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    public static ImageDecoder withDefaultLimits() {
        return new ImageDecoder(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Formats this JVM can decode right now (depends on the ImageIO plugins on the classpath), lower case. */
    public static Set<String> availableFormats() {
        Set<String> available = new TreeSet<>();
        for (String name : ImageIO.getReaderFormatNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (ACCEPTED_FORMATS.contains(lower)) {
                available.add(lower);
            }
        }
        return available;
    }

    /** Decodes a file; its size is checked before it is read. Failures name the file. */
    public BufferedImage decode(Path file) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InvalidImageException(Reason.TOO_MANY_BYTES, file + ": " + size + " bytes, limit " + maxBytes);
            }
            return decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image file " + file, e);
        } catch (InvalidImageException e) {
            throw e.getMessage().contains(file.toString()) ? e : e.withSource(file.toString());
        }
    }

    /** Reads at most {@code maxBytes + 1} bytes from the stream (so an endless upload cannot exhaust memory). */
    public BufferedImage decode(InputStream input) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        for (int read; (read = input.read(chunk)) >= 0; ) {
            total += read;
            if (total > maxBytes) {
                throw new InvalidImageException(Reason.TOO_MANY_BYTES, "more than " + maxBytes + " bytes");
            }
            buffer.write(chunk, 0, read);
        }
        return decode(buffer.toByteArray());
    }

    /** Decodes encoded image bytes into TYPE_INT_RGB pixels. */
    public BufferedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(Reason.EMPTY, "no image bytes");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidImageException(Reason.TOO_MANY_BYTES, bytes.length + " bytes, limit " + maxBytes);
        }
        // MemoryCacheImageInputStream directly: ImageIO.createImageInputStream may spill to a temp file
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = findReader(input);
            try {
                reader.setInput(input, true, true);
                checkDimensions(reader);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage decoded = readPixels(reader);
                if (!warnings.isEmpty()) {
                    throw new InvalidImageException(Reason.CORRUPT, formatOf(reader) + " decoder warning: " + String.join("; ", warnings));
                }
                return RgbConversion.toIntRgb(decoded);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InvalidImageException(Reason.CORRUPT, "cannot read image stream: " + e.getMessage(), e);
        }
    }

    private static ImageReader findReader(ImageInputStream input) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        if (!readers.hasNext()) {
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT,
                    "not a recognised image format (accepted: " + availableFormats() + ")");
        }
        ImageReader reader = readers.next();
        String format = formatOf(reader);
        if (!ACCEPTED_FORMATS.contains(format)) {
            reader.dispose();
            throw new InvalidImageException(Reason.UNSUPPORTED_FORMAT,
                    "format '" + format + "' is not accepted (accepted: " + availableFormats() + ")");
        }
        return reader;
    }

    private void checkDimensions(ImageReader reader) {
        int width;
        int height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(Reason.CORRUPT, formatOf(reader) + " header unreadable: " + e.getMessage(), e);
        }
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException(Reason.CORRUPT, formatOf(reader) + " header says " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new InvalidImageException(Reason.TOO_MANY_PIXELS,
                    formatOf(reader) + " header says " + width + "x" + height + " = " + pixels + " pixels, limit " + maxPixels);
        }
    }

    private static BufferedImage readPixels(ImageReader reader) {
        try {
            return reader.read(0);
        } catch (IOException e) {
            throw new InvalidImageException(Reason.CORRUPT, formatOf(reader) + " data unreadable: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // broken streams surface as IndexOutOfBounds, NegativeArraySize, ... inside the plugins
            throw new InvalidImageException(Reason.CORRUPT, formatOf(reader) + " data unreadable: " + e, e);
        }
    }

    private static String formatOf(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "unknown";
        }
    }
}
