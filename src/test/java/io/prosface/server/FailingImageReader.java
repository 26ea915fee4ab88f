package io.prosface.server;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * A decoder that fails with an {@link Error} (StackOverflowError, OutOfMemoryError, ...) while reading pixels, as a
 * buggy or exhausted ImageIO plugin would. It claims to be a BMP reader but only takes bytes starting with
 * {@link #MAGIC}, so no real image reaches it; {@link #install} registers it with ImageIO for the JVM (the server's
 * too: {@code @QuarkusTest} runs in the same JVM) until the returned handle is closed.
 */
final class FailingImageReader extends ImageReader {

    static final byte[] MAGIC = "PROSFAIL".getBytes(StandardCharsets.US_ASCII);

    private final Supplier<Error> failure;

    private FailingImageReader(Spi spi, Supplier<Error> failure) {
        super(spi);
        this.failure = failure;
    }

    /** The bytes of an "image" only this reader decodes. */
    static byte[] image() {
        return Arrays.copyOf(MAGIC, 64);
    }

    static AutoCloseable install(Supplier<Error> failure) {
        Spi spi = new Spi(failure);
        IIORegistry.getDefaultInstance().registerServiceProvider(spi, ImageReaderSpi.class);
        return () -> IIORegistry.getDefaultInstance().deregisterServiceProvider(spi, ImageReaderSpi.class);
    }

    @Override
    public int getNumImages(boolean allowSearch) {
        return 1;
    }

    @Override
    public int getWidth(int imageIndex) {
        return 64;
    }

    @Override
    public int getHeight(int imageIndex) {
        return 64;
    }

    @Override
    public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
        return List.of(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB))
                .iterator();
    }

    @Override
    public IIOMetadata getStreamMetadata() {
        return null;
    }

    @Override
    public IIOMetadata getImageMetadata(int imageIndex) {
        return null;
    }

    @Override
    public BufferedImage read(int imageIndex, ImageReadParam param) {
        throw failure.get();
    }

    private static final class Spi extends ImageReaderSpi {

        private final Supplier<Error> failure;

        Spi(Supplier<Error> failure) {
            super(
                    "ProS tests",
                    "1",
                    new String[] {"bmp"},
                    new String[] {"prosfail"},
                    new String[] {"image/x-prosfail"},
                    FailingImageReader.class.getName(),
                    new Class<?>[] {ImageInputStream.class},
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null);
            this.failure = failure;
        }

        @Override
        public boolean canDecodeInput(Object source) throws IOException {
            if (!(source instanceof ImageInputStream input)) {
                return false;
            }
            byte[] start = new byte[MAGIC.length];
            input.mark();
            try {
                return input.read(start) == MAGIC.length && Arrays.equals(start, MAGIC);
            } finally {
                input.reset();
            }
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new FailingImageReader(this, failure);
        }

        @Override
        public String getDescription(Locale locale) {
            return "a reader that fails with an Error, for tests";
        }
    }
}
