package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ExifOrientationReaderTest {

    private static final byte[] JPEG = TestImages.encode(TestImages.gradient(24, 16), "jpg");

    @Test
    void jpegWithBigEndianExifOrientation6IsRead() {
        assertEquals(Orientation.ROTATE_90, ExifOrientationReader.read(ExifJpeg.withOrientation(JPEG, 6, true)));
    }

    @Test
    void jpegWithLittleEndianExifOrientation8IsRead() {
        assertEquals(Orientation.ROTATE_270, ExifOrientationReader.read(ExifJpeg.withOrientation(JPEG, 8, false)));
    }

    @Test
    void jpegWithoutExifIsUpright() {
        assertEquals(Orientation.NORMAL, ExifOrientationReader.read(JPEG));
    }

    @Test
    void pngWithExifChunkOrientation3IsRead() {
        byte[] png = TestImages.encode(TestImages.gradient(8, 8), "png");
        // IHDR is 8 + 25 bytes long; eXIf must come before IDAT
        byte[] withExif = insert(png, 33, pngChunk("eXIf", ExifJpeg.tiffWithOrientation(3, true)));
        assertEquals(Orientation.ROTATE_180, ExifOrientationReader.read(withExif));
    }

    @Test
    void webpWithExifChunkOrientation5IsRead() {
        byte[] tiff = ExifJpeg.tiffWithOrientation(5, false);
        ByteBuffer webp = ByteBuffer.allocate(12 + 8 + tiff.length).order(ByteOrder.LITTLE_ENDIAN);
        webp.put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(4 + 8 + tiff.length)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put("EXIF".getBytes(StandardCharsets.US_ASCII))
                .putInt(tiff.length)
                .put(tiff);
        assertEquals(Orientation.TRANSPOSE, ExifOrientationReader.read(webp.array()));
    }

    @Test
    void exifWhoseIfdOffsetPointsPastTheSegmentIsUpright() {
        byte[] jpeg = ExifJpeg.withOrientation(JPEG, 6, true);
        // TIFF header starts after SOI (2), APP1 marker and length (4) and "Exif\0\0" (6): IFD0 offset at +4
        ByteBuffer.wrap(jpeg).putInt(12 + 4, 0x7FFF_FFF0);
        assertEquals(Orientation.NORMAL, ExifOrientationReader.read(jpeg));
    }

    @Test
    void exifWithAHugeEntryCountInAShortSegmentIsUpright() {
        byte[] jpeg = ExifJpeg.withOrientation(JPEG, 6, true);
        ByteBuffer.wrap(jpeg).putShort(12 + 8, (short) 0xFFFF); // count of IFD0 entries; the orientation entry stays
        assertEquals(Orientation.ROTATE_90, ExifOrientationReader.read(jpeg));
        ByteBuffer.wrap(jpeg).putShort(12 + 10, (short) 0x0110); // not the orientation tag: walk past the segment end
        assertEquals(Orientation.NORMAL, ExifOrientationReader.read(jpeg));
    }

    @Test
    void app1LengthPastTheEndOfTheFileIsUpright() {
        byte[] jpeg = ExifJpeg.withOrientation(JPEG, 6, true);
        byte[] truncated = Arrays.copyOf(jpeg, 20);
        assertEquals(Orientation.NORMAL, ExifOrientationReader.read(truncated));
    }

    /** Thousands of seeded byte mutations and truncations of EXIF JPEG, PNG and WebP headers: never an exception. */
    @Test
    void mutatedExifHeadersNeverThrow() {
        byte[][] seeds = {
            ExifJpeg.withOrientation(JPEG, 6, true),
            ExifJpeg.withOrientation(JPEG, 8, false),
            insert(
                    TestImages.encode(TestImages.gradient(8, 8), "png"),
                    33,
                    pngChunk("eXIf", ExifJpeg.tiffWithOrientation(3, true)))
        };
        Random random = new Random(13);
        for (int round = 0; round < 20_000; round++) {
            byte[] seed = seeds[round % seeds.length];
            byte[] mutated = Arrays.copyOf(seed, 1 + random.nextInt(Math.min(seed.length, 120)) + (round % 2) * 200);
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(Math.min(mutated.length, 64))] = (byte) random.nextInt(256);
            }
            assertNotNull(ExifOrientationReader.read(mutated));
        }
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    private static byte[] insert(byte[] bytes, int position, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, position);
        out.writeBytes(inserted);
        out.write(bytes, position, bytes.length - position);
        return out.toByteArray();
    }
}
