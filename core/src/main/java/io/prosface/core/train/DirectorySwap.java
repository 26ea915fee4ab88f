package io.prosface.core.train;

import io.prosface.core.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Replaces a directory by a fully written staging directory, so a crash never leaves a half-written one. */
public final class DirectorySwap {

    private DirectorySwap() {}

    /** Saves {@code checkpoint} to {@code directory}, replacing whatever checkpoint was there. */
    public static void saveCheckpoint(Checkpoint checkpoint, Path directory) throws IOException {
        Path target = directory.toAbsolutePath().normalize();
        Path staging = target.resolveSibling(target.getFileName() + ".tmp");
        deleteRecursively(staging);
        checkpoint.save(staging);
        replace(staging, target);
    }

    /** staging -> target; an existing target moves aside first and is deleted after the swap. */
    public static void replace(Path staging, Path target) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        deleteRecursively(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(old);
    }

    /** Deletes a file or a directory tree; nothing happens when it does not exist. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path entry : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        }
    }
}
