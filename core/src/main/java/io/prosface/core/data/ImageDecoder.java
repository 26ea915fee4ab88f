package io.prosface.core.data;

import io.prosface.core.data.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
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
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns untrusted image bytes into {@link BufferedImage#TYPE_INT_RGB} pixels, or refuses them with an
 * {@link InvalidImageException} whose reason says why.
 *
 * <p>Guards, in order: the byte count, then the width and height read from the header by an {@link ImageReader}
 * BEFORE any pixel is decoded (a 50000x50000 PNG is a few hundred bytes but would need 10 GB once decoded), then
 * decoding errors and decoder warnings. Warnings count as corruption: the JDK's JPEG decoder "succeeds" on a
 * truncated file and paints the missing part grey, which would turn into a confident but meaningless answer.
 *
 * <p>Memory: the pixel count alone does not bound it (a 231 KB 16-bit 6000x6600 PNG decodes to 237 MB of samples
 * plus a 158 MB RGB copy). {@link #plan} reads the bytes per pixel (bit depth x channels) from the header too and
 * picks a subsampled decode ({@link ImageReadParam#setSourceSubsampling}) that fits {@link #maxDecodedBytes()};
 * the readers decode row by row and keep only the sampled pixels. Faces are cut to a few dozen pixels, so the
 * full resolution of such an image is never needed.
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

    /**
     * Bytes per pixel assumed when a reader cannot tell its raw type: 16-bit RGBA, the most any accepted format has.
     */
    private static final int WORST_CASE_BYTES_PER_PIXEL = 8;
    /** Smallest decode memory limit: a limit below what a 16x16 image takes would subsample faces to nothing. */
    private static final long MIN_DECODED_BYTES = 16 * 16 * (WORST_CASE_BYTES_PER_PIXEL + 2 * Integer.BYTES);

    private final long maxBytes;
    private final long maxPixels;
    private final long maxDecodedBytes;

    /** A decoder whose {@link #plan} never subsamples (training data: labels are in full-size pixels). */
    public ImageDecoder(long maxBytes, long maxPixels) {
        this(maxBytes, maxPixels, Long.MAX_VALUE);
    }

    /**
     * @param maxDecodedBytes heap one decoded image may take ({@link DecodePlan#decodedBytes()}); {@link #plan} picks
     *        a subsampling that keeps a larger image under it
     */
    public ImageDecoder(long maxBytes, long maxPixels, long maxDecodedBytes) {
        if (maxBytes <= 0 || maxPixels <= 0 || maxDecodedBytes < MIN_DECODED_BYTES) {
            throw new IllegalArgumentException("limits must be positive (maxDecodedBytes at least " + MIN_DECODED_BYTES
                    + "): maxBytes=" + maxBytes + ", maxPixels=" + maxPixels + ", maxDecodedBytes=" + maxDecodedBytes);
        }
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.maxDecodedBytes = maxDecodedBytes;
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

    /** Heap one image may take once decoded by {@link #decodeUpright} (larger ones are subsampled). */
    public long maxDecodedBytes() {
        return maxDecodedBytes;
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
                throw new InvalidImageException(
                        Reason.TOO_MANY_BYTES, file + ": " + size + " bytes, limit " + maxBytes);
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

    /**
     * Decodes encoded image bytes into TYPE_INT_RGB pixels as stored: full size, EXIF orientation not applied (for
     * datasets whose labels are in stored pixels). Untrusted requests go through {@link #plan} and
     * {@link #decodeUpright} instead, which bound the memory.
     */
    public BufferedImage decode(byte[] bytes) {
        return withReader(bytes, reader -> RgbConversion.toIntRgb(readPixels(reader, reader.getDefaultReadParam())));
    }

    /**
     * Reads only the header: the size guards, the bytes per pixel, the EXIF orientation and the subsampling that keeps
     * the decoded image under {@code maxDecodedBytes}. Costs no pixel decoding; bad bytes throw
     * {@link InvalidImageException} exactly as {@link #decode(byte[])} would.
     */
    public DecodePlan plan(byte[] bytes) {
        return withReader(bytes, reader -> {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            int bytesPerPixel = bytesPerPixel(reader);
            Orientation orientation = ExifOrientationReader.read(bytes);
            int subsampling = 1;
            while (subsampling < Math.max(width, height)
                    && DecodePlan.bytesFor(
                                    DecodePlan.subsampledLength(width, subsampling),
                                    DecodePlan.subsampledLength(height, subsampling),
                                    bytesPerPixel,
                                    orientation)
                            > maxDecodedBytes) {
                subsampling++;
            }
            long decodedBytes = DecodePlan.bytesFor(
                    DecodePlan.subsampledLength(width, subsampling),
                    DecodePlan.subsampledLength(height, subsampling),
                    bytesPerPixel,
                    orientation);
            return new DecodePlan(
                    formatOf(reader), width, height, bytesPerPixel, orientation, subsampling, decodedBytes);
        });
    }

    /**
     * Decodes as {@code plan} says (from {@link #plan} of the same bytes): every {@code subsampling}-th pixel, turned
     * upright; the result's coordinates times the subsampling are the full-size upright image's.
     */
    public DecodedImage decodeUpright(byte[] bytes, DecodePlan plan) {
        BufferedImage stored = withReader(bytes, reader -> {
            if (reader.getWidth(0) != plan.storedWidth() || reader.getHeight(0) != plan.storedHeight()) {
                throw new IllegalArgumentException("the plan is for a " + plan.storedWidth() + "x" + plan.storedHeight()
                        + " image, these bytes hold " + reader.getWidth(0) + "x" + reader.getHeight(0));
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = plan.subsampling();
            if (step > 1) {
                // the centre pixel of each step x step block; the readers decode row by row and keep only these
                param.setSourceSubsampling(step, step, step / 2, step / 2);
            }
            BufferedImage decoded = readPixels(reader, param);
            int expectedWidth = DecodePlan.subsampledLength(plan.storedWidth(), step);
            int expectedHeight = DecodePlan.subsampledLength(plan.storedHeight(), step);
            if (decoded.getWidth() != expectedWidth || decoded.getHeight() != expectedHeight) {
                throw new IllegalStateException(
                        formatOf(reader) + " reader ignored the subsampling: decoded " + decoded.getWidth() + "x"
                                + decoded.getHeight() + ", expected " + expectedWidth + "x" + expectedHeight);
            }
            return RgbConversion.toIntRgb(decoded);
        });
        BufferedImage upright = plan.orientation().upright(stored);
        return new DecodedImage(upright, plan.uprightWidth(), plan.uprightHeight(), plan.subsampling(), plan.format());
    }

    /** What a reader positioned on checked bytes produces. */
    @FunctionalInterface
    private interface ReaderWork<T> {
        T apply(ImageReader reader) throws IOException;
    }

    /** Byte guards, a reader for an accepted format, the header guards, then {@code work}; warnings are corruption. */
    private <T> T withReader(byte[] bytes, ReaderWork<T> work) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(Reason.EMPTY, "no image bytes");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidImageException(Reason.TOO_MANY_BYTES, bytes.length + " bytes, limit " + maxBytes);
        }
        // an in-memory stream whose end of data is cheap (ByteArrayImageInput says why); ImageIO.createImageInputStream
        // may spill to a temp file
        try (ImageInputStream input = new ByteArrayImageInput(bytes)) {
            ImageReader reader = findReader(input);
            try {
                reader.setInput(input, true, true);
                checkDimensions(reader);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                T result = work.apply(reader);
                if (!warnings.isEmpty()) {
                    throw new InvalidImageException(
                            Reason.CORRUPT, formatOf(reader) + " decoder warning: " + String.join("; ", warnings));
                }
                return result;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InvalidImageException(Reason.CORRUPT, "cannot read image stream: " + e.getMessage(), e);
        }
    }

    /** Bit depth x channels of the reader's raw pixels, in bytes; the worst case when the reader cannot say. */
    private static int bytesPerPixel(ImageReader reader) {
        try {
            ImageTypeSpecifier raw = reader.getRawImageType(0);
            if (raw == null) {
                return WORST_CASE_BYTES_PER_PIXEL;
            }
            SampleModel model = raw.getSampleModel(1, 1);
            int bytes = DataBuffer.getDataTypeSize(model.getDataType()) / Byte.SIZE * model.getNumDataElements();
            return Math.max(1, bytes);
        } catch (IOException | RuntimeException unknown) {
            return WORST_CASE_BYTES_PER_PIXEL;
        }
    }

    private static ImageReader findReader(ImageInputStream input) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        if (!readers.hasNext()) {
            throw new InvalidImageException(
                    Reason.UNSUPPORTED_FORMAT, "not a recognised image format (accepted: " + availableFormats() + ")");
        }
        ImageReader reader = readers.next();
        String format = formatOf(reader);
        if (!ACCEPTED_FORMATS.contains(format)) {
            reader.dispose();
            throw new InvalidImageException(
                    Reason.UNSUPPORTED_FORMAT,
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
            throw new InvalidImageException(
                    Reason.CORRUPT, formatOf(reader) + " header unreadable: " + e.getMessage(), e);
        }
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException(Reason.CORRUPT, formatOf(reader) + " header says " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new InvalidImageException(
                    Reason.TOO_MANY_PIXELS,
                    formatOf(reader) + " header says " + width + "x" + height + " = " + pixels + " pixels, limit "
                            + maxPixels);
        }
    }

    private static BufferedImage readPixels(ImageReader reader, ImageReadParam param) {
        try {
            return reader.read(0, param);
        } catch (IOException e) {
            throw new InvalidImageException(
                    Reason.CORRUPT, formatOf(reader) + " data unreadable: " + e.getMessage(), e);
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
