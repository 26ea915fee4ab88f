package io.prosface.server.finetune.upload;

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
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads an uploaded zip or tar.gz into memory, entry by entry, refusing hostile archives before they cost much:
 * <ul>
 *   <li>zip-slip: an entry name that is absolute, has a drive letter or a {@code ..} segment is refused (nothing is
 *       ever written to disk from an archive, but such a name only comes from a crafted archive);</li>
 *   <li>zip bomb: counted while inflating, never trusted from headers: after every chunk the upload's decompressed
 *       total is held to {@code maxUncompressedBytes} (413), and both the entry and the archive so far to
 *       {@code maxCompressionRatio} × their compressed bytes + {@link #RATIO_ALLOWANCE_BYTES} (400). Every entry is
 *       judged, whatever its size, skipped ones too (they are inflated to be skipped), so a bomb is stopped after a
 *       bounded amount of work;</li>
 *   <li>heap: every kept byte is charged to the upload's {@link UploadBudget.Lease} before it is held (429 when the
 *       uploads in flight hold the whole budget);</li>
 *   <li>tar entries other than regular files and directories (symbolic and hard links, FIFOs, devices, sparse and
 *       other special types) are refused naming the entry; directories and OS junk (__MACOSX, dot files) are skipped
 *       but still count as entries.</li>
 * </ul>
 * The format comes from the content (zip and gzip magic numbers), not from the file name.
 */
public final class ArchiveReader {

    /**
     * Bytes an entry or archive may decompress to beyond ratio × its compressed bytes: a small text file (a manifest)
     * compresses far better than images do, and the compressed count moves in buffer-sized steps. Small enough that
     * an archive's entries cannot add up to much under it: the whole archive is held to the same rule.
     */
    static final long RATIO_ALLOWANCE_BYTES = 64L << 10;

    private final UploadLimits limits;
    private final UploadBudget.Lease lease;
    private long totalBytes;
    private int entries;

    public ArchiveReader(UploadLimits limits) {
        this(limits, UploadBudget.unlimited().lease());
    }

    /** {@code lease}: the upload's share of the heap, charged for every byte kept. */
    public ArchiveReader(UploadLimits limits, UploadBudget.Lease lease) {
        this.limits = limits;
        this.lease = lease;
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
        Archive archive = new Archive(partName, bytes);
        List<UploadedFile> files = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(archive.compressed)) {
            for (ZipEntry entry; (entry = nextEntry(zip, partName)) != null; ) {
                countEntry(partName);
                String name = checkedName(entry.getName());
                boolean skipped = entry.isDirectory() || isJunk(name);
                byte[] content = inflate(zip, archive, name, !skipped);
                if (!skipped) {
                    files.add(new UploadedFile(name, content, partName));
                }
            }
        }
        return files;
    }

    /**
     * The next zip entry. ZipInputStream throws IllegalArgumentException (not a ZipException) for an entry name that
     * is not valid UTF-8: a corrupt archive, the client's error (found by EntryPointFuzzTest, answered 500 before).
     */
    private static ZipEntry nextEntry(ZipInputStream zip, String partName) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException badName) {
            throw ServingException.invalidArgument("archive " + partName + " is corrupt: an entry name is not valid "
                    + "UTF-8 (" + badName.getMessage() + ")");
        }
    }

    private List<UploadedFile> readTarGz(String partName, byte[] bytes) throws IOException {
        Archive archive = new Archive(partName, bytes);
        List<UploadedFile> files = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(archive.compressed))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                countEntry(partName);
                String name = checkedName(entry.getName());
                String special = specialKind(entry);
                if (special != null) {
                    throw ServingException.invalidArgument("archive entry '" + entry.getName() + "' is a " + special
                            + "; only regular files and directories are accepted");
                }
                boolean skipped = entry.isDirectory() || isJunk(name);
                byte[] content = inflate(tar, archive, name, !skipped);
                if (!skipped) {
                    files.add(new UploadedFile(name, content, partName));
                }
            }
        }
        return files;
    }

    /**
     * What a tar entry is when it is neither a regular file nor a directory, else null. Checked by type, because
     * commons-compress's {@code isFile()} is true for every type that is not a directory (links and devices too).
     */
    static String specialKind(TarArchiveEntry entry) {
        if (entry.isSymbolicLink()) {
            return "symbolic link";
        }
        if (entry.isLink()) {
            return "hard link";
        }
        if (entry.isFIFO()) {
            return "FIFO";
        }
        if (entry.isCharacterDevice()) {
            return "character device";
        }
        if (entry.isBlockDevice()) {
            return "block device";
        }
        byte type = entry.getLinkFlag();
        boolean regular =
                type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG;
        if (regular || type == TarConstants.LF_DIR) {
            return null;
        }
        return "special entry (tar type '" + (char) type + "')";
    }

    private void countEntry(String partName) {
        if (++entries > limits.maxArchiveEntries()) {
            throw ServingException.tooLarge(
                    "archive " + partName + " has more than " + limits.maxArchiveEntries() + " entries");
        }
    }

    /**
     * Decompresses one entry, judging the upload's total, the entry's ratio and the archive's ratio after every chunk;
     * returns its bytes when {@code keep} (charged to the lease first), else null (a skipped entry is only drained).
     */
    private byte[] inflate(InputStream entry, Archive archive, String name, boolean keep) throws IOException {
        ByteArrayOutputStream out = keep ? new ByteArrayOutputStream() : null;
        long entryStart = archive.compressed.count();
        long entryBytes = 0;
        byte[] chunk = new byte[64 * 1024];
        for (int read; (read = entry.read(chunk)) >= 0; ) {
            entryBytes += read;
            archive.inflated += read;
            totalBytes += read;
            if (totalBytes > limits.maxUncompressedBytes()) {
                throw ServingException.tooLarge("archive expands to more than " + limits.maxUncompressedBytes()
                        + " bytes (at entry '" + name + "')");
            }
            if (tooCompressed(entryBytes, archive.compressed.count() - entryStart)) {
                throw ServingException.invalidArgument("archive entry '" + name + "' has a compression ratio above "
                        + limits.maxCompressionRatio() + ":1 (zip bomb guard)");
            }
            if (tooCompressed(archive.inflated, archive.compressed.count())) {
                throw ServingException.invalidArgument("archive " + archive.name + " has a compression ratio above "
                        + limits.maxCompressionRatio() + ":1 (zip bomb guard, judged over the whole archive; at entry '"
                        + name + "')");
            }
            if (keep) {
                lease.charge(read);
                out.write(chunk, 0, read);
            }
        }
        return keep ? out.toByteArray() : null;
    }

    private boolean tooCompressed(long inflated, long compressed) {
        return inflated > RATIO_ALLOWANCE_BYTES + Math.max(0, compressed) * limits.maxCompressionRatio();
    }

    /** One archive being read: its name, its compressed bytes counted as they are pulled, its inflated bytes. */
    private static final class Archive {
        final String name;
        final CountingStream compressed;
        long inflated;

        Archive(String name, byte[] bytes) {
            this.name = name;
            this.compressed = new CountingStream(new java.io.ByteArrayInputStream(bytes));
        }
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
