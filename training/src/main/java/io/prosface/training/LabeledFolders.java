package io.prosface.training;

import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.readers.CelebaReader;
import io.prosface.core.data.readers.ExpressionCsvReader;
import io.prosface.core.data.readers.IbugReader;
import io.prosface.core.eval.DownstreamTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds which downstream labels a folder holds, by the real data sets' file conventions (which synth writes too):
 * {@code list_attr_celeba.txt} → attributes; {@code expressions.csv} or {@code labels.csv} → expression;
 * {@code .pts} files in the folder or its {@code images/} → landmarks.
 */
final class LabeledFolders {

    private LabeledFolders() {}

    /** A named labelled source: the tasks it offers. */
    record Source(String name, Path folder, Map<DownstreamTask, FaceDataset> tasks) {}

    /** Parses "NAME=DIR" or "DIR" (the name is then the folder's name). */
    static Source open(String spec, ImageDecoder decoder) {
        int equals = spec.indexOf('=');
        Path folder = Path.of(equals > 0 ? spec.substring(equals + 1) : spec);
        String name =
                equals > 0 ? spec.substring(0, equals) : folder.getFileName().toString();
        return new Source(name, folder, detect(folder, decoder));
    }

    static Map<DownstreamTask, FaceDataset> detect(Path folder, ImageDecoder decoder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("labelled folder " + folder + " does not exist");
        }
        Map<DownstreamTask, FaceDataset> tasks = new EnumMap<>(DownstreamTask.class);
        Path images = Files.isDirectory(folder.resolve("images")) ? folder.resolve("images") : folder;
        if (Files.isRegularFile(folder.resolve(CelebaReader.ATTRIBUTE_FILE))) {
            tasks.put(DownstreamTask.ATTRIBUTES, CelebaReader.read(folder, decoder));
        }
        for (String csv : new String[] {"expressions.csv", "labels.csv"}) {
            if (Files.isRegularFile(folder.resolve(csv)) && !tasks.containsKey(DownstreamTask.EXPRESSION)) {
                tasks.put(DownstreamTask.EXPRESSION, ExpressionCsvReader.read(folder.resolve(csv), images, decoder));
            }
        }
        if (hasPoints(folder) || hasPoints(images)) {
            tasks.put(DownstreamTask.LANDMARKS, IbugReader.read(hasPoints(folder) ? folder : images, decoder));
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(folder + " holds no labels this tool reads (list_attr_celeba.txt, "
                    + "expressions.csv / labels.csv, or .pts files)");
        }
        return tasks;
    }

    private static boolean hasPoints(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".pts"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
