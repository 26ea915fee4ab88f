package io.prosface.server.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Archive guards without a server: formats, zip-slip, zip bomb, entry and byte limits. */
class ArchiveReaderTest {

    private static final UploadLimits LIMITS = new UploadLimits(1 << 24, 100, 10, 4 << 20, 100, 1 << 20, 1_000_000, 1);

    private static List<UploadedFile> read(byte[] archive) {
        return new ArchiveReader(LIMITS).read("upload.zip", archive);
    }

    @Test
    void readsZipAndTarGzAlikeAndSkipsJunk() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("set/a.jpg", Archives.text("A"));
        entries.put("./b.jpg", Archives.text("B"));
        entries.put("__MACOSX/set/._a.jpg", Archives.text("junk"));
        entries.put("set/.DS_Store", Archives.text("junk"));
        for (byte[] archive : List.of(Archives.zip(entries), Archives.tarGz(entries))) {
            List<UploadedFile> files = read(archive);
            assertEquals(List.of("set/a.jpg", "b.jpg"), files.stream().map(UploadedFile::name).toList());
            assertEquals("a.jpg", files.get(0).baseName());
        }
    }

    @Test
    void refusesEntriesThatLeaveTheArchive() {
        for (String evil : List.of("../../evil", "/etc/passwd", "set/../../evil.jpg", "C:\\evil.jpg", "..\\evil")) {
            ServingException refused = assertThrows(ServingException.class,
                    () -> read(Archives.zip(Map.of(evil, Archives.text("x")))), evil);
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
            assertTrue(refused.getMessage().contains("zip-slip"), refused.getMessage());
        }
        ServingException tar = assertThrows(ServingException.class,
                () -> read(Archives.tarGz(Map.of("../../evil", Archives.text("x")))));
        assertTrue(tar.getMessage().contains("zip-slip"), tar.getMessage());
    }

    @Test
    void stopsAZipBombByItsRatioBeforeInflatingIt() {
        byte[] bomb = Archives.zipBomb("zeros.jpg", 64 << 20);
        assertTrue(bomb.length < 200_000, "the bomb is small: " + bomb.length);
        ServingException refused = assertThrows(ServingException.class,
                () -> new ArchiveReader(new UploadLimits(1 << 24, 100, 10, 1L << 30, 100, 1 << 20, 1_000_000, 1))
                        .read("bomb.zip", bomb));
        assertTrue(refused.getMessage().contains("zip bomb"), refused.getMessage());
    }

    @Test
    void limitsTheTotalUncompressedBytesAndTheEntryCount() {
        Map<String, byte[]> big = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            byte[] noise = new byte[1 << 20];
            new java.util.Random(i).nextBytes(noise);
            big.put("noise" + i + ".bin", noise);
        }
        ServingException tooBig = assertThrows(ServingException.class, () -> read(Archives.zip(big)));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, tooBig.code());
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            many.put("f" + i + ".jpg", Archives.text("x"));
        }
        ServingException tooMany = assertThrows(ServingException.class, () -> read(Archives.zip(many)));
        assertTrue(tooMany.getMessage().contains("more than 10 entries"), tooMany.getMessage());
    }

    @Test
    void refusesNonArchivesAndCorruptArchives() {
        assertThrows(ServingException.class, () -> read(Archives.text("plain text")));
        byte[] zip = Archives.zip(Map.of("a.jpg", new byte[5000]));
        byte[] truncated = java.util.Arrays.copyOf(zip, 40);
        ServingException corrupt = assertThrows(ServingException.class, () -> read(truncated));
        assertEquals(ErrorCode.INVALID_ARGUMENT, corrupt.code());
    }
}
