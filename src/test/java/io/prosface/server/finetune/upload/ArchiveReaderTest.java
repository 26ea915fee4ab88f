package io.prosface.server.finetune.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.Archives;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
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
            assertEquals(
                    List.of("set/a.jpg", "b.jpg"),
                    files.stream().map(UploadedFile::name).toList());
            assertEquals("a.jpg", files.get(0).baseName());
        }
    }

    @Test
    void refusesEntriesThatLeaveTheArchive() {
        for (String evil : List.of("../../evil", "/etc/passwd", "set/../../evil.jpg", "C:\\evil.jpg", "..\\evil")) {
            ServingException refused = assertThrows(
                    ServingException.class, () -> read(Archives.zip(Map.of(evil, Archives.text("x")))), evil);
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
            assertTrue(refused.getMessage().contains("zip-slip"), refused.getMessage());
        }
        ServingException tar = assertThrows(
                ServingException.class, () -> read(Archives.tarGz(Map.of("../../evil", Archives.text("x")))));
        assertTrue(tar.getMessage().contains("zip-slip"), tar.getMessage());
    }

    @Test
    void stopsAZipBombByItsRatioBeforeInflatingIt() {
        byte[] bomb = Archives.zipBomb("zeros.jpg", 64 << 20);
        assertTrue(bomb.length < 200_000, "the bomb is small: " + bomb.length);
        ServingException refused = assertThrows(
                ServingException.class,
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

    /** EntryPointFuzzTest's find: a flipped bit in a local header's name made ZipInputStream throw IAE (a 500). */
    @Test
    void zipEntryNameThatIsNotUtf8IsACorruptArchive() {
        byte[] zip = Archives.zip(Map.of("abc.jpg", new byte[10]));
        zip[30] = (byte) 0xc3; // the local header's name starts at offset 30: a lone UTF-8 lead byte before 'b'
        ServingException corrupt = assertThrows(ServingException.class, () -> read(zip));
        assertEquals(ErrorCode.INVALID_ARGUMENT, corrupt.code());
        assertTrue(corrupt.getMessage().contains("not valid UTF-8"), corrupt.getMessage());
    }
    /** The input: 255 entries of 1 MiB - 1 zero bytes (255 MiB in ~300 KB), each under the old 1 MiB floor. */
    @Test
    void zipOf255EntriesOfAMebibyteMinusOneOfZerosIsRefusedAtItsFirstEntry() {
        Map<String, byte[]> zeros = new LinkedHashMap<>();
        for (int i = 0; i < 255; i++) {
            zeros.put(String.format("zeros%03d.jpg", i), new byte[(1 << 20) - 1]);
        }
        byte[] bomb = Archives.zip(zeros);
        assertTrue(bomb.length < 400_000, "the bomb is small: " + bomb.length);
        UploadLimits generous = new UploadLimits(1 << 24, 4000, 4000, 256L << 20, 100, 1 << 20, 1_000_000, 1);
        ServingException refused =
                assertThrows(ServingException.class, () -> new ArchiveReader(generous).read("bomb.zip", bomb));
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        assertTrue(refused.getMessage().contains("compression ratio above 100:1"), refused.getMessage());
        // stopped at the first entry: nothing like 255 MiB was ever held
        assertTrue(refused.getMessage().contains("'zeros000.jpg'"), refused.getMessage());
    }

    /** Entries small enough to pass the per-entry allowance one by one are still judged as a whole archive. */
    @Test
    void archivesOf2000EntriesOf60KibOfZerosAreRefusedByTheWholeArchiveRatio() {
        Map<String, byte[]> zeros = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i++) {
            zeros.put("z" + i + ".jpg", new byte[60 << 10]);
        }
        UploadLimits generous = new UploadLimits(1 << 24, 4000, 4000, 256L << 20, 100, 1 << 20, 1_000_000, 1);
        for (byte[] archive : List.of(Archives.zip(zeros), Archives.tarGz(zeros))) {
            ServingException refused =
                    assertThrows(ServingException.class, () -> new ArchiveReader(generous).read("zeros", archive));
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
            assertTrue(
                    refused.getMessage().contains("archive zeros has a compression ratio above 100:1"),
                    refused.getMessage());
        }
    }

    /** Skipped entries (OS junk, directories) are inflated to be skipped: they are judged like every other entry. */
    @Test
    void zipWithA64MibJunkEntryOfZerosIsRefusedThoughTheEntryIsSkipped() {
        byte[] bomb = Archives.zipBomb("__MACOSX/._zeros.jpg", 64 << 20);
        ServingException refused = assertThrows(
                ServingException.class,
                () -> new ArchiveReader(new UploadLimits(1 << 24, 100, 10, 1L << 30, 100, 1 << 20, 1_000_000, 1))
                        .read("bomb.zip", bomb));
        assertTrue(refused.getMessage().contains("zip bomb"), refused.getMessage());
    }

    /** The budget shared by uploads in flight: a second reader gets 429 while the first holds it. */
    @Test
    void twoUploadsOver3MibSharingA4MibBudgetTheSecondIsAskedToRetry() {
        UploadBudget budget = new UploadBudget(4 << 20, java.time.Duration.ofSeconds(10));
        Map<String, byte[]> noise = new LinkedHashMap<>();
        byte[] bytes = new byte[3 << 20];
        new java.util.Random(7).nextBytes(bytes);
        noise.put("noise.jpg", bytes);
        byte[] archive = Archives.zip(noise);
        try (UploadBudget.Lease first = budget.lease()) {
            assertEquals(
                    1,
                    new ArchiveReader(LIMITS, first).read("first.zip", archive).size());
            try (UploadBudget.Lease second = budget.lease()) {
                ServingException refused = assertThrows(
                        ServingException.class, () -> new ArchiveReader(LIMITS, second).read("second.zip", archive));
                assertEquals(ErrorCode.RESOURCE_EXHAUSTED, refused.code());
                assertTrue(refused.getMessage().contains("uploads in flight"), refused.getMessage());
            }
        }
        try (UploadBudget.Lease again = budget.lease()) {
            assertEquals(
                    1,
                    new ArchiveReader(LIMITS, again).read("again.zip", archive).size(),
                    "released");
        }
    }

    @Test
    void tarWithASymlinkHardLinkFifoOrDeviceEntryIsRefusedNamingTheEntry() {
        Map<Byte, String> kinds = new LinkedHashMap<>();
        kinds.put(TarConstants.LF_SYMLINK, "symbolic link");
        kinds.put(TarConstants.LF_LINK, "hard link");
        kinds.put(TarConstants.LF_FIFO, "FIFO");
        kinds.put(TarConstants.LF_CHR, "character device");
        kinds.put(TarConstants.LF_BLK, "block device");
        for (Map.Entry<Byte, String> kind : kinds.entrySet()) {
            byte[] tar = Archives.tarGzWithSpecialEntry("set/odd.jpg", kind.getKey());
            ServingException refused = assertThrows(
                    ServingException.class, () -> new ArchiveReader(LIMITS).read("set.tar.gz", tar), kind.getValue());
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
            assertTrue(
                    refused.getMessage().contains("archive entry 'set/odd.jpg' is a " + kind.getValue()),
                    refused.getMessage());
        }
    }
}
