package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = ImageDecoder.withDefaultLimits();

    private Reason reasonFor(byte[] bytes) {
        return assertThrows(InvalidImageException.class, () -> decoder.decode(bytes))
                .reason();
    }

    @Test
    void emptyInputIsRefusedAsEmpty() {
        assertEquals(Reason.EMPTY, reasonFor(new byte[0]));
    }

    @Test
    void tooManyBytesIsRefusedBeforeDecoding() {
        byte[] png = TestImages.encode(TestImages.gradient(32, 32), "png");
        InvalidImageException refused =
                assertThrows(InvalidImageException.class, () -> new ImageDecoder(100, 1_000_000).decode(png));
        assertEquals(Reason.TOO_MANY_BYTES, refused.reason());
        assertTrue(refused.getMessage().startsWith("TOO_MANY_BYTES: "), refused.getMessage());
    }

    @Test
    void decompressionBombHeaderIsRefusedWithoutDecoding() {
        byte[] bomb = TestImages.pngWithHeader(50_000, 50_000);
        assertTrue(bomb.length < 200, "the crafted PNG is tiny: " + bomb.length);
        long before = System.nanoTime();
        InvalidImageException refused = assertThrows(InvalidImageException.class, () -> decoder.decode(bomb));
        assertEquals(Reason.TOO_MANY_PIXELS, refused.reason());
        assertTrue(refused.getMessage().contains("50000x50000"), refused.getMessage());
        // 10 GB would be needed to decode it; refusing from the header takes milliseconds
        assertTrue(System.nanoTime() - before < 2_000_000_000L);
    }

    @Test
    void jpegWhoseFrameHeaderClaimsHugeDimensionsIsRefused() {
        byte[] jpeg = TestImages.encode(TestImages.gradient(16, 16), "jpeg");
        for (int i = 0; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF
                    && (jpeg[i + 1] & 0xFF) == 0xC0) { // SOF0: length(2) precision(1) height(2) width(2)
                jpeg[i + 5] = (byte) 0xEA;
                jpeg[i + 6] = (byte) 0x60;
                jpeg[i + 7] = (byte) 0xEA;
                jpeg[i + 8] = (byte) 0x60;
                break;
            }
        }
        InvalidImageException refused = assertThrows(InvalidImageException.class, () -> decoder.decode(jpeg));
        assertEquals(Reason.TOO_MANY_PIXELS, refused.reason());
        assertTrue(refused.getMessage().contains("60000x60000"), refused.getMessage());
    }

    @Test
    void truncatedGeneratedJpegIsCorrupt() {
        byte[] jpeg = TestImages.encode(TestImages.gradient(96, 96), "jpeg");
        assertEquals(Reason.CORRUPT, reasonFor(Arrays.copyOf(jpeg, jpeg.length / 2)));
        assertEquals(Reason.CORRUPT, reasonFor(Arrays.copyOf(jpeg, 40)));
    }

    @Test
    void truncatedRealJpegIsCorrupt() throws IOException {
        byte[] jpeg = Files.readAllBytes(TestImages.sharedData("lfpw/train").resolve("image_0001.jpg"));
        assertEquals(256, decoder.decode(jpeg).getWidth());
        InvalidImageException refused = assertThrows(
                InvalidImageException.class, () -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length * 2 / 3)));
        assertEquals(Reason.CORRUPT, refused.reason());
        assertTrue(refused.getMessage().contains("jpeg"), refused.getMessage());
    }

    @Test
    void textAndRandomBytesAreUnsupported() {
        assertEquals(
                Reason.UNSUPPORTED_FORMAT,
                reasonFor("name,expression\nface.jpg,happiness\n".getBytes(StandardCharsets.UTF_8)));
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        assertEquals(Reason.UNSUPPORTED_FORMAT, reasonFor(noise));
    }

    @Test
    void formatsOutsideTheAcceptedSetAreUnsupported() {
        byte[] gif = TestImages.encode(TestImages.gradient(8, 8), "gif");
        InvalidImageException refused = assertThrows(InvalidImageException.class, () -> decoder.decode(gif));
        assertEquals(Reason.UNSUPPORTED_FORMAT, refused.reason());
        assertTrue(refused.getMessage().contains("gif"), refused.getMessage());
    }

    @Test
    void losslessFormatsRoundTripExactlyAsIntRgb() {
        BufferedImage original = TestImages.gradient(20, 13);
        for (String format : new String[] {"png", "bmp"}) {
            BufferedImage decoded = decoder.decode(TestImages.encode(original, format));
            assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType(), format);
            assertEquals(original.getRGB(7, 5), decoded.getRGB(7, 5), format);
            assertEquals(original.getRGB(19, 12), decoded.getRGB(19, 12), format);
        }
    }

    @Test
    void grayKeepsItsValuesAndAlphaIsCompositedOntoBlack() {
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 2, 0, 100);
        BufferedImage decodedGray = decoder.decode(TestImages.encode(gray, "png"));
        assertEquals(BufferedImage.TYPE_INT_RGB, decodedGray.getType());
        assertEquals(0x646464, decodedGray.getRGB(1, 2) & 0xFFFFFF, "no linear-grey gamma shift");
        BufferedImage deepGray = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        deepGray.getRaster().setSample(2, 1, 0, 0x8080);
        assertEquals(
                0x808080, decoder.decode(TestImages.encode(deepGray, "png")).getRGB(2, 1) & 0xFFFFFF, "16-bit grey");

        BufferedImage translucent = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        translucent.setRGB(0, 0, 0x80FF0000); // half-transparent red
        int composited = decoder.decode(TestImages.encode(translucent, "png")).getRGB(0, 0) & 0xFFFFFF;
        assertEquals(0x80, composited >> 16, 1);
        assertEquals(0, composited & 0xFFFF);
    }

    @Test
    void cmykJpegBecomesRgb() throws IOException {
        // a 4-channel JPEG with an Adobe APP14 marker (transform 0): what print workflows produce
        java.awt.image.WritableRaster raster =
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setPixel(x, y, new int[] {255, 128, 255, 220});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        }
        byte[] plain = out.toByteArray();
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] cmyk = new byte[plain.length + adobe.length];
        System.arraycopy(plain, 0, cmyk, 0, 2);
        System.arraycopy(adobe, 0, cmyk, 2, adobe.length);
        System.arraycopy(plain, 2, cmyk, 2 + adobe.length, plain.length - 2);

        BufferedImage decoded = decoder.decode(cmyk);
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
        int pixel = decoded.getRGB(8, 8);
        int red = (pixel >> 16) & 0xFF;
        int green = (pixel >> 8) & 0xFF;
        int blue = pixel & 0xFF;
        assertTrue(Math.abs(red - blue) < 10 && green < red - 20, "magenta-ish: " + Integer.toHexString(pixel));
    }

    @Test
    void webpDecodesWhenThePluginIsPresent() {
        Assumptions.assumeTrue(
                ImageDecoder.availableFormats().contains("webp"), "no WebP ImageIO plugin on the classpath");
        BufferedImage decoded = decoder.decode(TestImages.solidWebp(5, 3, 200, 100, 50));
        assertEquals(5, decoded.getWidth());
        assertEquals(3, decoded.getHeight());
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
        assertEquals(0xC86432, decoded.getRGB(4, 2) & 0xFFFFFF);
    }

    @Test
    void fileDecodingNamesTheFile(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
        Path broken = Files.write(folder.resolve("broken.png"), "not a png".getBytes(StandardCharsets.UTF_8));
        InvalidImageException refused = assertThrows(InvalidImageException.class, () -> decoder.decode(broken));
        assertEquals(Reason.UNSUPPORTED_FORMAT, refused.reason());
        assertTrue(refused.getMessage().contains("broken.png"), refused.getMessage());
    }

    // ---- plan + decodeUpright: the serving path ----

    @Test
    void sixteenBitPng6000x6600IsDecodedSubsampledUnderTheDecodeLimit() {
        byte[] png = SixteenBitPng.grey(6000, 6600, 128);
        ImageDecoder serving = new ImageDecoder(20L << 20, 50_000_000L, 64L << 20);
        DecodePlan plan = serving.plan(png);
        assertEquals(6, plan.bytesPerPixel(), "16-bit RGB: 2 bytes x 3 channels, from the header");
        assertEquals(3, plan.subsampling(), "every third pixel fits 64 MiB; every second would not");
        assertTrue(plan.decodedBytes() <= 64L << 20, "planned " + plan.decodedBytes());

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        DecodedImage decoded = serving.decodeUpright(png, plan);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(2000, decoded.pixels().getWidth());
        assertEquals(2200, decoded.pixels().getHeight());
        assertEquals(6000, decoded.width(), "answers are in the full-size image's pixels");
        assertEquals(6600, decoded.height());
        assertEquals(0x808080, decoded.pixels().getRGB(1000, 1000) & 0xFFFFFF);
        assertTrue(allocated < 96L << 20, "decoding allocated " + (allocated >> 20) + " MiB (full size: ~400 MiB)");
    }

    @Test
    void imagesUnderTheDecodeLimitAreDecodedAtFullSize() {
        byte[] png = TestImages.encode(TestImages.gradient(640, 480), "png");
        ImageDecoder serving = new ImageDecoder(20L << 20, 50_000_000L, 64L << 20);
        DecodePlan plan = serving.plan(png);
        assertEquals(1, plan.subsampling());
        DecodedImage decoded = serving.decodeUpright(png, plan);
        assertEquals(640, decoded.pixels().getWidth());
        assertEquals(
                TestImages.gradient(640, 480).getRGB(300, 200), decoded.pixels().getRGB(300, 200));
    }

    @Test
    void jpegWithExifOrientation6IsDecodedUprightAndTheTrainingDecodeKeepsItAsStored() {
        BufferedImage upright = TestImages.gradient(30, 40);
        BufferedImage stored = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 30; x++) {
                stored.setRGB(y, 29 - x, upright.getRGB(x, y)); // turned counter-clockwise: the viewer turns it back
            }
        }
        byte[] jpeg = ExifJpeg.withOrientation(TestImages.encode(stored, "jpg"), 6, true);
        DecodePlan plan = decoder.plan(jpeg);
        assertEquals(Orientation.ROTATE_90, plan.orientation());
        DecodedImage decoded = decoder.decodeUpright(jpeg, plan);
        assertEquals(30, decoded.width());
        assertEquals(40, decoded.height());
        for (int[] point : new int[][] {{2, 2}, {27, 3}, {3, 37}, {26, 36}}) {
            int expected = upright.getRGB(point[0], point[1]);
            int actual = decoded.pixels().getRGB(point[0], point[1]);
            for (int shift = 0; shift <= 16; shift += 8) {
                int difference = Math.abs((expected >> shift & 0xFF) - (actual >> shift & 0xFF));
                assertTrue(
                        difference < 24, "pixel " + Arrays.toString(point) + " channel " + shift + ": " + difference);
            }
        }
        assertEquals(40, decoder.decode(jpeg).getWidth(), "decode(byte[]) keeps the stored pixels (dataset labels)");
    }

    /**
     * 66 bytes found by the entry-point fuzzer (fuzz.seed 13, rest-analyze #2329): a one-colour lossless WebP whose
     * header was overwritten to announce 1576x10522 pixels. Every pixel is decoded at the end of the data, where the
     * VP8L decoder's look-ahead fails on each refill: with an end of data that costs a stack trace each time, this one
     * decode took 86-138 s of CPU; now it takes about a second. The bound is CPU time of this thread, 10x what it
     * needs here, and a tenth of what it took before.
     */
    @Test
    void aLosslessWebpOf66BytesAnnouncing1576x10522Pixels() {
        Assumptions.assumeTrue(ImageDecoder.availableFormats().contains("webp"), "no WebP reader on the classpath");
        byte[] seed = TestImages.solidWebp(40, 30, 200, 150, 120);
        byte[] mutant = new byte[66];
        System.arraycopy(seed, 0, mutant, 0, 22);
        System.arraycopy(seed, 2, mutant, 22, 32); // the fuzzer's mutation: bytes 2..33 inserted at offset 22
        System.arraycopy(seed, 22, mutant, 54, 12);
        ImageDecoder serving = new ImageDecoder(10L << 20, 50_000_000L, 64L << 20);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        DecodePlan plan = serving.plan(mutant);
        assertEquals(1576, plan.storedWidth());
        assertEquals(10522, plan.storedHeight());
        DecodedImage decoded = serving.decodeUpright(mutant, plan);
        double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        assertEquals(1576 / plan.subsampling(), decoded.pixels().getWidth());
        assertTrue(seconds < 10, String.format("decoding 66 bytes took %.1f s of CPU", seconds));
    }

    @Test
    void inMemoryInputEndsLikeAnyImageInputStream() throws IOException {
        try (ByteArrayImageInput input = new ByteArrayImageInput(new byte[] {1, 2, 3})) {
            assertEquals(3, input.length());
            assertEquals(1, input.readByte());
            byte[] two = new byte[4];
            assertEquals(2, input.read(two, 0, 4), "a short read returns what is there");
            assertEquals(-1, input.read());
            assertThrows(java.io.EOFException.class, input::readByte);
            input.seek(1);
            assertThrows(java.io.EOFException.class, () -> input.readFully(new byte[3]), "two bytes left, three asked");
            input.seek(0);
            assertEquals(0x010203, input.readUnsignedShort() << 8 | input.readUnsignedByte());
        }
    }
}
