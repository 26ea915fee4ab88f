package io.prosface.server.finetune;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds upload archives in memory for tests (never written into the repository). */
public final class Archives {

    private Archives() {}

    /** A zip of the given entries, in iteration order (use a LinkedHashMap). */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] tarGz(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
                header.setSize(entry.getValue().length);
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A deflated entry of {@code size} zero bytes: ~1000:1, a zip bomb in miniature. */
    public static byte[] zipBomb(String name, int size) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("manifest.csv"));
            zip.write("image,label\nzeros.jpg,a\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(name));
            byte[] chunk = new byte[1 << 16];
            for (int written = 0; written < size; written += chunk.length) {
                zip.write(chunk);
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A tar.gz with a manifest, one regular image and {@code name} as an entry of tar type {@code linkFlag} (a link,
     * FIFO or device: what a client's tar would write for such a file).
     */
    public static byte[] tarGzWithSpecialEntry(String name, byte linkFlag) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            byte[] manifest = text("image,label\nset/a.jpg,x\n");
            TarArchiveEntry regular = new TarArchiveEntry("manifest.csv");
            regular.setSize(manifest.length);
            tar.putArchiveEntry(regular);
            tar.write(manifest);
            tar.closeArchiveEntry();
            TarArchiveEntry special = new TarArchiveEntry(name, linkFlag);
            if (linkFlag == org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK
                    || linkFlag == org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK) {
                special.setLinkName("/etc/passwd");
            } else {
                special.setDevMajor(1);
                special.setDevMinor(3);
            }
            tar.putArchiveEntry(special);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
