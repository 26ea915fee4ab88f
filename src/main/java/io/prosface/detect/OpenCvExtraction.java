package io.prosface.detect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
 */
final class OpenCvExtraction {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private OpenCvExtraction() {
    }

    /** The library's path inside {@code temporaryRoot}, extracted now if it is not there yet; empty: not usable. */
    static Optional<Path> extract(Path temporaryRoot) {
        Optional<String> platform = platform();
        if (platform.isEmpty()) {
            return Optional.empty();
        }
        String library = System.mapLibraryName(org.opencv.core.Core.NATIVE_LIBRARY_NAME);
        String resource = "/nu/pattern/opencv/" + platform.get() + "/" + library;
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Path folder = temporaryRoot.resolve("pros-face-opencv-" + org.opencv.core.Core.NATIVE_LIBRARY_NAME + "-"
                    + platform.get().replace('/', '-') + "-" + uid);
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another start created it at the same moment: judged below like any existing folder
                }
            }
            if (!ownedAndPrivate(folder, uid)) {
                return Optional.empty();
            }
            Path target = folder.resolve(library);
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Path partial = Files.createTempFile(folder, library, ".part");
                try (InputStream in = nu.pattern.OpenCV.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            return Optional.of(target);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException failure) {
            return Optional.empty();
        }
    }

    private static boolean ownedAndPrivate(Path folder, Object uid) throws IOException {
        return Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                && uid.equals(Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                && Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY);
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
