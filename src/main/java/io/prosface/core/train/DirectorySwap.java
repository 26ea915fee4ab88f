package io.prosface.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Replaces a directory by a fully written staging directory, so a crash never leaves a half-written one. */
final class DirectorySwap {

    private DirectorySwap() {}

    /** staging -> target; an existing target moves aside first and is deleted after the swap. */
    static void replace(Path staging, Path target) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        PretrainingState.deleteRecursively(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        PretrainingState.deleteRecursively(old);
    }
}
