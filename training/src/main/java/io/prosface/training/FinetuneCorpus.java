package io.prosface.training;

import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.augment.LandmarkAugmentationConfig;
import io.prosface.core.data.readers.CelebaReader;
import io.prosface.core.data.readers.MultiTaskCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-task corpus of a fine-tune: the labelled folders under a root (celeba/, utkface/, facial_expressions/,
 * lfpw/, whichever exist) joined with the teacher labels of the original data root.
 */
final class FinetuneCorpus {

    private FinetuneCorpus() {}

    /** The CelebA attribute names, from the teachers' celeba/ attribute file. */
    static List<String> attributeNames(Path teachers) {
        return CelebaReader.parse(teachers.resolve("celeba").resolve(CelebaReader.ATTRIBUTE_FILE))
                .names();
    }

    /** The corpus settings of a fine-tune: dlib's teacher points weighted {@code teacherLandmarkWeight}. */
    static MultiTaskCorpus.Settings settings(float teacherLandmarkWeight) {
        return new MultiTaskCorpus.Settings(
                teacherLandmarkWeight,
                0.5f,
                0.5,
                0.15,
                0.25,
                0.25,
                new LandmarkAugmentationConfig(15, 0.85, 1.15, 0.06, 0.5));
    }

    /** The corpus of {@code root}'s folders; a {@code held} root's iBUG folder is lfpw/test. */
    static MultiTaskCorpus read(
            Path root,
            Path teachers,
            List<String> attributeNames,
            Preprocessing preprocessing,
            MultiTaskCorpus.Settings settings,
            ImageDecoder decoder,
            boolean held) {
        Map<MultiTaskCorpus.Source, Path> folders = new EnumMap<>(MultiTaskCorpus.Source.class);
        Map<MultiTaskCorpus.Source, Path> teacherFolders = new EnumMap<>(MultiTaskCorpus.Source.class);
        add(folders, MultiTaskCorpus.Source.CELEBA, root.resolve("celeba"));
        add(folders, MultiTaskCorpus.Source.UTKFACE, root.resolve("utkface"));
        add(folders, MultiTaskCorpus.Source.EXPRESSIONS, root.resolve("facial_expressions"));
        add(folders, MultiTaskCorpus.Source.IBUG, held ? root.resolve("lfpw/test") : root.resolve("lfpw"));
        teacherFolders.put(MultiTaskCorpus.Source.CELEBA, teachers.resolve("celeba"));
        teacherFolders.put(MultiTaskCorpus.Source.UTKFACE, teachers.resolve("utkface"));
        teacherFolders.put(MultiTaskCorpus.Source.EXPRESSIONS, teachers.resolve("facial_expressions"));
        teacherFolders.put(MultiTaskCorpus.Source.IBUG, teachers.resolve("lfpw"));
        return MultiTaskCorpus.read(folders, teacherFolders, attributeNames, preprocessing, settings, decoder);
    }

    private static void add(Map<MultiTaskCorpus.Source, Path> folders, MultiTaskCorpus.Source source, Path folder) {
        if (Files.isDirectory(folder)) {
            folders.put(source, folder);
        }
    }
}
