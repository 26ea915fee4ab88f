package io.prosface.training;

import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.InvalidImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

/**
 * Real faces for export and precision checks, read from the shared data folder (never copied): the images of the
 * development split that training never reads (the same rules as training/scripts/dev-splits.sh: CelebA
 * 007001-008000, every 10th UTKFace file in name order, the images of every 10th facial_expressions person, the
 * last 105 LFPW train images), taken from each set in turn in name order, each framed as an aligned crop sent whole
 * (the crop is the face box, plus the model's margin), which is one of the framings the served model was trained on.
 */
final class VerificationFaces {

    static final List<String> FOLDERS = List.of("celeba/images", "utkface", "facial_expressions/images", "lfpw/train");
    /** LFPW train images in name order before the development split's last 105. */
    private static final int LFPW_TRAINING_IMAGES = 700;

    private static final int CELEBA_FIRST_DEVELOPMENT_IMAGE = 7001;

    private VerificationFaces() {}

    /** Up to {@code count} faces as normalised CHW arrays of the preprocessor's size. */
    static List<float[]> load(Path data, FacePreprocessor preprocessor, int count) throws IOException {
        List<List<Path>> sets = new ArrayList<>();
        for (String folder : FOLDERS) {
            Path directory = data.resolve(folder);
            if (Files.isDirectory(directory)) {
                sets.add(development(data, folder).stream().limit(count).toList());
            }
        }
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("no face images under " + data + " (expected " + FOLDERS + ")");
        }
        List<float[]> faces = new ArrayList<>();
        for (int index = 0; faces.size() < count; index++) {
            boolean any = false;
            for (List<Path> set : sets) {
                if (index < set.size() && faces.size() < count) {
                    any = true;
                    byte[] bytes = Files.readAllBytes(set.get(index));
                    try {
                        var image = preprocessor.decoder().decode(bytes);
                        faces.add(preprocessor
                                .prepare(image, new FaceBox(0, 0, image.getWidth(), image.getHeight()))
                                .pixels());
                    } catch (InvalidImageException unreadable) {
                        // a broken file in the data set is not the export's problem: skip it
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        return faces;
    }

    /** The development split's images of one of {@link #FOLDERS}, in name order (dev-splits.sh's selection). */
    static List<Path> development(Path data, String folder) throws IOException {
        List<Path> images = jpegs(data.resolve(folder));
        return switch (folder) {
            case "celeba/images" ->
                images.stream()
                        .filter(image -> celebaNumber(image) >= CELEBA_FIRST_DEVELOPMENT_IMAGE)
                        .toList();
            case "utkface" -> byShellPosition(images, position -> position % 10 == 0);
            case "lfpw/train" -> byShellPosition(images, position -> position >= LFPW_TRAINING_IMAGES);
            case "facial_expressions/images" -> {
                Set<String> people = developmentPeople(data.resolve("facial_expressions"), images);
                yield images.stream()
                        .filter(image ->
                                people.contains(person(image.getFileName().toString())))
                        .toList();
            }
            default -> throw new IllegalArgumentException("no development split for " + folder);
        };
    }

    /**
     * The images whose position passes {@code chosen}, counted as dev-splits.sh counts them: it loops over
     * {@code $(ls ... | sort)}, which splits a name at its spaces, so a name with a space (one UTKFace file) takes
     * one position per word, is linked into neither split (each word is a dangling link), and moves every later
     * file's position by one. Reproduced so that no face the script put in a training folder counts as development.
     */
    private static List<Path> byShellPosition(List<Path> images, IntPredicate chosen) {
        List<Path> selected = new ArrayList<>();
        int position = 0;
        for (Path image : images) {
            String[] words = image.getFileName().toString().trim().split("\\s+");
            if (words.length == 1 && chosen.test(position)) {
                selected.add(image);
            }
            position += words.length;
        }
        return selected;
    }

    /** Every 10th person (1st, 11th, ...) in name order of those that labels.csv (or else the folder) lists. */
    private static Set<String> developmentPeople(Path set, List<Path> images) throws IOException {
        TreeSet<String> people = new TreeSet<>();
        Path labels = set.resolve("labels.csv");
        if (Files.isRegularFile(labels)) {
            try (Stream<String> lines = Files.lines(labels)) {
                lines.skip(1)
                        .map(line -> line.split(",", 2)[0])
                        .filter(name -> !name.isBlank())
                        .forEach(name -> people.add(person(name)));
            }
        } else {
            images.forEach(image -> people.add(person(image.getFileName().toString())));
        }
        List<String> ordered = new ArrayList<>(people);
        Set<String> chosen = new TreeSet<>();
        for (int index = 0; index < ordered.size(); index += 10) {
            chosen.add(ordered.get(index));
        }
        return chosen;
    }

    /** "AJ_Cook_0001.jpg" -> "AJ_Cook". */
    static String person(String imageName) {
        return imageName.replaceFirst("_[0-9]+\\.[A-Za-z]+$", "");
    }

    private static int celebaNumber(Path image) {
        String name = image.getFileName().toString();
        try {
            return Integer.parseInt(name.substring(0, name.length() - ".jpg".length()));
        } catch (NumberFormatException notCeleba) {
            return -1;
        }
    }

    private static List<Path> jpegs(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jpg"))
                    .sorted()
                    .toList();
        }
    }
}
