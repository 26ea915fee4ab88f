package io.prosface.training;

import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.InvalidImageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real faces for export checks, read from the shared data folder (never copied): the first images by name of each
 * set (CelebA, UTKFace, the expression set, LFPW) in turn, each framed as an aligned crop sent whole (the crop is the
 * face box, plus the model's margin), which is one of the framings the served model was trained on.
 */
final class VerificationFaces {

    static final List<String> FOLDERS = List.of("celeba/images", "utkface", "facial_expressions/images", "lfpw/train");

    private VerificationFaces() {
    }

    /** Up to {@code count} faces as normalised CHW arrays of the preprocessor's size. */
    static List<float[]> load(Path data, FacePreprocessor preprocessor, int count) throws IOException {
        List<List<Path>> sets = new ArrayList<>();
        for (String folder : FOLDERS) {
            Path directory = data.resolve(folder);
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    sets.add(files.filter(file -> file.getFileName().toString().endsWith(".jpg")).sorted()
                            .limit(count).toList());
                }
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
                        faces.add(preprocessor.prepare(image, new FaceBox(0, 0, image.getWidth(), image.getHeight()))
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
}
