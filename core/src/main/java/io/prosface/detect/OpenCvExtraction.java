package io.prosface.detect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One extracted copy of OpenCV's native library per library version and user, reused by every start.
 *
 * <p>Why: {@code nu.pattern.OpenCV.loadLocally()} extracts the 63 MB library into a fresh
 * {@code java.io.tmpdir/opencv_openpnp*} folder per start and deletes it only in a shutdown hook, so every kill -9
 * or OOM kill left one behind. Here the folder is named after the library ({@code pros-face-opencv-opencv_java490-
 * linux-x86_64-<uid>}), created owner-only (0700) and used only when it is a real directory (not a link) owned by
 * this process's user and writable by nobody else, because a library loaded from a shared temp folder must not be
 * one that another user could have planted. The library is written to a temporary name and moved into place
 * atomically, so a start killed mid-copy leaves no half library behind to load. Where any of this does not hold
 * (another OS, no POSIX permissions, a foreign folder) the caller falls back to {@code loadLocally()}.
 *
 * <p>The same folder holds the Haar cascade ({@link #reusedCopy}), which OpenCV's Java API can only load from a
 * file: one content-addressed copy instead of a new temporary file per start.
 */
final class OpenCvExtraction {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private OpenCvExtraction() {}

    /** The library's path inside {@code temporaryRoot}, extracted now if it is not there yet; empty: not usable. */
    static Optional<Path> extract(Path temporaryRoot) {
        Optional<String> platform = platform();
        if (platform.isEmpty()) {
            return Optional.empty();
        }
        String library = System.mapLibraryName(org.opencv.core.Core.NATIVE_LIBRARY_NAME);
        String resource = "/nu/pattern/opencv/" + platform.get() + "/" + library;
        try {
            Optional<Path> folder = privateFolder(temporaryRoot, platform.get());
            if (folder.isEmpty()) {
                return Optional.empty();
            }
            Path target = folder.get().resolve(library);
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream in = nu.pattern.OpenCV.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    writeAtomically(in, target);
                }
            }
            return Optional.of(target);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException failure) {
            return Optional.empty();
        }
    }

    /**
     * A reused copy of a classpath file that OpenCV can only read from a path (the Haar cascade), in the same private
     * folder as the library. Content-addressed: the name carries the first 16 hex digits of the content's SHA-256
     * ({@code haarcascade_frontalface_default-3f2c...xml}), so a new cascade in a new build gets its own file, and
     * an existing file is used only when its bytes are exactly {@code content} (otherwise it is rewritten). Empty
     * where the private folder is not usable; the caller then falls back to a temporary file of its own.
     */
    static Optional<Path> reusedCopy(Path temporaryRoot, String fileName, byte[] content) {
        Optional<String> platform = platform();
        if (platform.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<Path> folder = privateFolder(temporaryRoot, platform.get());
            if (folder.isEmpty()) {
                return Optional.empty();
            }
            int dot = fileName.lastIndexOf('.');
            String stem = dot < 0 ? fileName : fileName.substring(0, dot);
            String extension = dot < 0 ? "" : fileName.substring(dot);
            Path target = folder.get().resolve(stem + "-" + sha256Prefix(content) + extension);
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    || !Arrays.equals(Files.readAllBytes(target), content)) {
                writeAtomically(new ByteArrayInputStream(content), target);
            }
            return Optional.of(target);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException failure) {
            return Optional.empty();
        }
    }

    /**
     * {@code pros-face-opencv-opencv_java490-linux-x86_64-<uid>} under {@code temporaryRoot}, created owner-only when
     * missing; empty when it exists but is not a private directory of this user.
     */
    private static Optional<Path> privateFolder(Path temporaryRoot, String platform) throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path folder = temporaryRoot.resolve("pros-face-opencv-" + org.opencv.core.Core.NATIVE_LIBRARY_NAME + "-"
                + platform.replace('/', '-') + "-" + uid);
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another start created it at the same moment: judged below like any existing folder
            }
        }
        return ownedAndPrivate(folder, uid) ? Optional.of(folder) : Optional.empty();
    }

    /** Writes to a temporary name next to {@code target}, then moves it into place: no half file is ever seen. */
    private static void writeAtomically(InputStream content, Path target) throws IOException {
        Path partial =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            Files.copy(content, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static String sha256Prefix(byte[] content) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(content))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }

    private static boolean ownedAndPrivate(Path folder, Object uid) throws IOException {
        return Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                && uid.equals(Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                && Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS)
                        .equals(OWNER_ONLY);
    }

    /** openpnp's folder for this OS and CPU, for the Linux builds it ships; empty elsewhere. */
    private static Optional<String> platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return Optional.empty();
        }
        return switch (arch) {
            case "amd64", "x86_64" -> Optional.of("linux/x86_64");
            case "aarch64", "arm64" -> Optional.of("linux/ARMv8");
            default -> Optional.empty();
        };
    }
}
