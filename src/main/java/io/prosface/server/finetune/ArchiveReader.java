package io.prosface.server.finetune;

import io.prosface.server.error.ServingException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an uploaded zip or tar.gz into memory, entry by entry, refusing hostile archives before they cost much:
 * <ul>
 *   <li>zip-slip: an entry name that is absolute, has a drive letter or a {@code ..} segment is refused (nothing is
 *       ever written to disk from an archive, but such a name only comes from a crafted archive);</li>
 *   <li>zip bomb: the number of entries, the total of decompressed bytes and the ratio of decompressed to
 *       compressed bytes are checked WHILE inflating, so a bomb is stopped after a bounded amount of work;</li>
 *   <li>links, devices and other special tar entries are refused; directories and OS junk (__MACOSX, dot files) are
 *       skipped but still count as entries.</li>
 * </ul>
 * The format comes from the content (zip and gzip magic numbers), not from the file name.
 */
public final class ArchiveReader {

    /** Below this many decompressed bytes the ratio is not judged: tiny text files compress extremely well. */
    static final long RATIO_FLOOR_BYTES = 1L << 20;

    private final UploadLimits limits;
    private long totalBytes;
    private int entries;

    public ArchiveReader(UploadLimits limits) {
        this.limits = limits;
    }

    /** True when {@code head} (the first bytes of a part) starts a zip or gzip stream. */
    public static boolean isArchive(byte[] head) {
        return isZip(head) || isGzip(head);
    }

    static boolean isZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    /** The files of the archive {@code bytes} (named {@code partName} in messages). */
    public List<UploadedFile> read(String partName, byte[] bytes) {
        try {
            if (isZip(bytes)) {
                return readZip(partName, bytes);
            }
            if (isGzip(bytes)) {
                return readTarGz(partName, bytes);
            }
        } catch (ZipException | java.io.EOFException broken) {
            throw ServingException.invalidArgument("archive " + partName + " is corrupt: " + broken.getMessage());
        } catch (IOException broken) {
            throw ServingException.invalidArgument("archive " + partName + " cannot be read: " + broken.getMessage());
        }
        throw ServingException.invalidArgument("archive " + partName + " is neither a zip nor a tar.gz file");
    }

    private List<UploadedFile> readZip(String partName, byte[] bytes) throws IOException {
        CountingStream compressed = new CountingStream(new java.io.ByteArrayInputStream(bytes));
        List<UploadedFile> files = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(compressed)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                countEntry(partName);
                String name = checkedName(entry.getName());
                if (entry.isDirectory() || isJunk(name)) {
                    continue;
                }
                long compressedBefore = compressed.count();
                files.add(new UploadedFile(name, inflate(zip, name, compressed, compressedBefore)));
            }
        }
        return files;
    }

    private List<UploadedFile> readTarGz(String partName, byte[] bytes) throws IOException {
        CountingStream compressed = new CountingStream(new java.io.ByteArrayInputStream(bytes));
        List<UploadedFile> files = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(compressed))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                countEntry(partName);
                String name = checkedName(entry.getName());
                if (entry.isDirectory() || isJunk(name)) {
                    continue;
                }
                if (!entry.isFile()) {
                    throw ServingException.invalidArgument("archive entry '" + entry.getName()
                            + "' is a link or special file; only regular files are accepted");
                }
                // one gzip stream for the whole tar: the ratio is judged over everything read so far
                files.add(new UploadedFile(name, inflate(tar, name, compressed, 0)));
            }
        }
        return files;
    }

    private void countEntry(String partName) {
        if (++entries > limits.maxArchiveEntries()) {
            throw ServingException.tooLarge("archive " + partName + " has more than " + limits.maxArchiveEntries()
                    + " entries");
        }
    }

    /** Decompresses one entry, checking the total and the ratio after every chunk. */
    private byte[] inflate(InputStream entry, String name, CountingStream compressed, long compressedBefore)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long entryBytes = 0;
        for (int read; (read = entry.read(chunk)) >= 0; ) {
            entryBytes += read;
            totalBytes += read;
            if (totalBytes > limits.maxUncompressedBytes()) {
                throw ServingException.tooLarge("archive expands to more than " + limits.maxUncompressedBytes()
                        + " bytes (at entry '" + name + "')");
            }
            long inflated = compressedBefore == 0 ? totalBytes : entryBytes;
            long consumed = Math.max(1, compressed.count() - compressedBefore);
            if (inflated > RATIO_FLOOR_BYTES && inflated > consumed * limits.maxCompressionRatio()) {
                throw ServingException.invalidArgument("archive entry '" + name + "' has a compression ratio above "
                        + limits.maxCompressionRatio() + ":1 (zip bomb guard)");
            }
            out.write(chunk, 0, read);
        }
        return out.toByteArray();
    }

    /** Normalises separators and refuses names that would leave the extraction root (zip-slip). */
    static String checkedName(String raw) {
        String name = raw.replace('\\', '/');
        boolean escapes = name.startsWith("/") || name.matches("^[A-Za-z]:.*") || name.indexOf('\0') >= 0;
        for (String segment : name.split("/")) {
            escapes |= segment.equals("..");
        }
        if (escapes) {
            throw ServingException.invalidArgument("archive entry '" + raw + "' points outside the archive (zip-slip)");
        }
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        return name;
    }

    private static boolean isJunk(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("__macosx/") || lower.endsWith("thumbs.db")) {
            return true;
        }
        for (String segment : name.split("/")) {
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Counts the compressed bytes the decompressor has pulled so far. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                count++;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
