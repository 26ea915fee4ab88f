package io.prosface.core.model;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Write-then-rename publication of a directory, so readers never see a half-written checkpoint. */
final class StagedDirectory {

    private StagedDirectory() {}

    /** A fresh hidden sibling of {@code target}, readable by others like a normal directory. */
    static Path create(Path target) throws IOException {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        refuseNonEmpty(target);
        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".staging-");
        try {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException notPosix) {
            // other file systems keep their defaults
        }
        return staging;
    }

    static void publish(Path staging, Path target) throws IOException {
        refuseNonEmpty(target);
        Files.deleteIfExists(target);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
            Files.move(staging, target);
        }
    }

    /** Removes the staging directory if it is still there (after a failure). */
    static void discard(Path staging) throws IOException {
        if (!Files.exists(staging)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(staging)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void refuseNonEmpty(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new CheckpointException("refusing to overwrite " + target + ": it is a file");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new CheckpointException("refusing to overwrite non-empty directory " + target);
            }
        }
    }
}
