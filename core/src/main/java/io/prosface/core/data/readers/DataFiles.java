package io.prosface.core.data.readers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** File-system helpers shared by the readers. */
final class DataFiles {

    /** Extensions the readers treat as images (WebP decodes only with its ImageIO plugin present). */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

    private DataFiles() {}

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static boolean isImage(Path file) {
        return IMAGE_EXTENSIONS.contains(extension(file));
    }

    /** Regular files under {@code root} (recursively) matching the filter, sorted by path for a stable order. */
    static List<Path> listFiles(Path root, java.util.function.Predicate<Path> filter) {
        requireDirectory(root);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(filter).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    static void requireDirectory(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("not a directory: " + folder.toAbsolutePath());
        }
    }

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void count(Map<String, Integer> counts, String reason) {
        counts.merge(reason, 1, Integer::sum);
    }
}
