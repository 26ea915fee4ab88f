package io.prosface.core.data.readers;

import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.ImageDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UTKFace: labels live in the file name {@code AGE_GENDER_RACE_DATETIME.jpg.chip.jpg} (gender 0 male, 1 female;
 * race 0-4). The full UTKFace has a few names without a race; such files are dropped and counted as
 * "malformed name" (the first one's message is kept in {@link ImageFileDataset#describe}) rather than failing the whole
 * set.
 */
public final class UtkFaceReader {

    private static final int MAX_AGE = 130;

    private UtkFaceReader() {}

    public static ImageFileDataset read(Path folder, ImageDecoder decoder) {
        List<Path> files = DataFiles.listFiles(folder, DataFiles::isImage);
        List<Path> images = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        String firstProblem = null;
        for (Path file : files) {
            try {
                labels.add(parseName(file));
                images.add(file);
            } catch (DatasetFormatException e) {
                DataFiles.count(dropped, "malformed name");
                firstProblem = firstProblem == null ? e.getMessage() : firstProblem;
            }
        }
        String description =
                "UTKFace " + folder + (firstProblem == null ? "" : " (first malformed: " + firstProblem + ")");
        return new ImageFileDataset(
                description,
                folder,
                images,
                index -> {
                    int[] values = labels.get(index);
                    return new FaceLabels(null, null, null, values[0], values[1], values[2]);
                },
                decoder,
                dropped);
    }

    /** {age, gender, race} from the file name, or an error naming the file. */
    public static int[] parseName(Path file) {
        String name = file.getFileName().toString();
        String[] parts = name.split("_");
        if (parts.length < 4) {
            throw new DatasetFormatException(
                    file, 0, "expected AGE_GENDER_RACE_DATETIME in the name, got " + parts.length + " fields");
        }
        int age = number(parts[0], "age", file);
        int gender = number(parts[1], "gender", file);
        int race = number(parts[2], "race", file);
        if (age < 0 || age > MAX_AGE || gender < 0 || gender > 1 || race < 0 || race > 4) {
            throw new DatasetFormatException(
                    file,
                    0,
                    "out of range: age " + age + " (0-" + MAX_AGE + "), gender " + gender + " (0-1), race " + race
                            + " (0-4)");
        }
        return new int[] {age, gender, race};
    }

    private static int number(String text, String what, Path file) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(file, 0, what + " is not a number: '" + text + "'");
        }
    }
}
