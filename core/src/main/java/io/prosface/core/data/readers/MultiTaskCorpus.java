package io.prosface.core.data.readers;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceDatasets;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.RgbImage;
import io.prosface.core.data.augment.AugmentedFace;
import io.prosface.core.data.augment.LandmarkAugmentation;
import io.prosface.core.data.augment.LandmarkAugmentationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every labelled face of the development data as one multi-task training set: CelebA (40 attributes), UTKFace (age,
 * gender as the {@code Male} attribute), facial_expressions (human expression labels) and iBUG folders (68 hand
 * points), each with its teacher labels ({@link TeacherLabels}: dlib points, face-api.js expression probabilities).
 * Labels a face lacks are masked in its {@link MultiTaskExample}.
 *
 * <p>Framing follows serving: a face with points (hand or teacher) is cut around their box with the face margin, as
 * the server cuts a detected face (whose box {@code LandmarkSquare} estimates); sets that clients send as whole
 * aligned crops with the crop as the box (CelebA, UTKFace) are framed that way for {@code wholeCropShare} of the
 * draws. Augmentation: the geometric jitter of {@link LandmarkAugmentation} (points move with the pixels, a flip
 * renames left and right), brightness and contrast, and grayscale (posed expression sets are often grey).
 */
public final class MultiTaskCorpus {

    /** What a folder holds and how clients send its kind of face. */
    public enum Source {
        CELEBA(true),
        UTKFACE(true),
        EXPRESSIONS(false),
        IBUG(false);

        private final boolean sentAsWholeCrop;

        Source(boolean sentAsWholeCrop) {
            this.sentAsWholeCrop = sentAsWholeCrop;
        }
    }

    /**
     * @param teacherLandmarkWeight weight of a teacher's points against 1 for hand points
     * @param handExpressionShare a face with a hand label and a teacher's: target = share * one-hot + rest * teacher
     * @param wholeCropShare how often a face of a whole-crop set is framed by its whole crop instead of its points
     * @param grayscaleProbability, brightness, contrast photometric jitter (0: none)
     */
    public record Settings(
            float teacherLandmarkWeight,
            float handExpressionShare,
            double wholeCropShare,
            double grayscaleProbability,
            double brightness,
            double contrast,
            LandmarkAugmentationConfig geometry) {

        public static Settings defaults() {
            return new Settings(
                    0.5f, 0.5f, 0.5, 0.15, 0.25, 0.25, new LandmarkAugmentationConfig(15, 0.85, 1.15, 0.06, 0.5));
        }
    }

    private record Part(Source source, FaceDataset dataset, TeacherLabels teacher) {}

    private final List<Part> parts;
    private final List<String> attributeNames;
    private final Preprocessing preprocessing;
    private final Settings settings;
    private final LandmarkAugmentation augmentation;

    private MultiTaskCorpus(
            List<Part> parts, List<String> attributeNames, Preprocessing preprocessing, Settings settings) {
        this.parts = List.copyOf(parts);
        this.attributeNames = List.copyOf(attributeNames);
        this.preprocessing = preprocessing;
        this.settings = settings;
        this.augmentation = new LandmarkAugmentation(settings.geometry(), preprocessing, null);
    }

    /**
     * Reads the folders ({@code source -> folder}); teacher files are looked up in {@code teacherFolders} of the same
     * source (the original set folders; a folder of links has none) and in the folder itself.
     */
    public static MultiTaskCorpus read(
            Map<Source, Path> folders,
            Map<Source, Path> teacherFolders,
            List<String> attributeNames,
            Preprocessing preprocessing,
            Settings settings,
            ImageDecoder decoder) {
        List<Part> parts = new ArrayList<>();
        folders.forEach((source, folder) -> {
            FaceDataset dataset = switch (source) {
                case CELEBA -> CelebaReader.read(folder, decoder);
                case UTKFACE -> UtkFaceReader.read(folder, decoder);
                case EXPRESSIONS ->
                    ExpressionCsvReader.read(folder.resolve("labels.csv"), folder.resolve("images"), decoder);
                case IBUG -> IbugReader.read(folder, decoder);
            };
            Path teacherFolder = teacherFolders.getOrDefault(source, folder);
            TeacherLabels teacher =
                    Files.isDirectory(teacherFolder) ? TeacherLabels.read(teacherFolder) : TeacherLabels.none();
            parts.add(new Part(source, dataset, teacher));
        });
        return new MultiTaskCorpus(parts, attributeNames, preprocessing, settings);
    }

    /** All faces as one data set; sample ids are {@code <part>/<id in its set>}. */
    public FaceDataset dataset() {
        List<FaceDataset> tagged = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            FaceDataset dataset = parts.get(p).dataset();
            String prefix = p + "/";
            tagged.add(new FaceDataset() {
                @Override
                public int size() {
                    return dataset.size();
                }

                @Override
                public FaceSample get(int index) {
                    FaceSample sample = dataset.get(index);
                    return new FaceSample(prefix + sample.id(), sample.image(), sample.labels());
                }

                @Override
                public FaceLabels labels(int index) {
                    return dataset.labels(index);
                }

                @Override
                public String describe() {
                    return dataset.describe();
                }
            });
        }
        return FaceDatasets.concat(tagged);
    }

    /** One line per part: source, faces, teacher label counts. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (Part part : parts) {
            text.append(String.format(
                    "%s: %d faces (%s), teacher points %d, teacher expressions %d%n",
                    part.source(),
                    part.dataset().size(),
                    part.dataset().describe(),
                    part.teacher().landmarkCount(),
                    part.teacher().expressionCount()));
        }
        return text.toString();
    }

    /** The training example of {@code sample} (from {@link #dataset()}), augmented when {@code augment}. */
    public MultiTaskExample example(FaceSample sample, SplittableRandom random, boolean augment) {
        String id = sample.id();
        Part part = parts.get(Integer.parseInt(id.substring(0, id.indexOf('/'))));
        String fileName = id.substring(id.lastIndexOf('/') + 1);
        FaceLabels labels = sample.labels();
        float[] points = labels.landmarks();
        float landmarkWeight = 1f;
        if (points == null || points.length != 2 * IbugLandmarks.POINT_COUNT) {
            points = part.teacher().landmarks(fileName);
            landmarkWeight = points == null ? 0f : settings.teacherLandmarkWeight();
        }
        RgbImage image = RgbImage.of(sample.image());
        boolean wholeCrop = points == null
                || part.source().sentAsWholeCrop && (augment ? random.nextDouble() < settings.wholeCropShare() : true);
        FaceBox box = wholeCrop ? new FaceBox(0, 0, image.width(), image.height()) : FaceBox.enclosing(points);
        CropTransform crop = CropTransform.around(box, preprocessing.faceMargin(), preprocessing.imageSize());
        AugmentedFace face = augment
                ? augmentation.apply(image, points, crop, random)
                : augmentation.apply(image, points, crop, LandmarkAugmentation.Parameters.identity());
        float[] pixels = face.pixels();
        if (augment) {
            PhotometricJitter.apply(pixels, preprocessing, settings, random);
        }
        float[] landmarks = points == null ? new float[2 * IbugLandmarks.POINT_COUNT] : face.normalizedLandmarks();
        float[] teacherExpression = part.teacher().expression(fileName);
        return new MultiTaskExample(
                pixels,
                attributes(labels, true),
                attributes(labels, false),
                expression(labels, teacherExpression),
                labels.expression() != null || teacherExpression != null ? 1f : 0f,
                landmarks,
                points == null ? 0f : landmarkWeight,
                labels.age() == null ? 0f : labels.age(),
                labels.age() == null ? 0f : 1f);
    }

    public List<String> attributeNames() {
        return attributeNames;
    }

    /** Values (or, with {@code values} false, the mask) of the attributes; UTKFace's gender answers {@code Male}. */
    private float[] attributes(FaceLabels labels, boolean values) {
        float[] result = new float[attributeNames.size()];
        for (int i = 0; i < result.length; i++) {
            Boolean known =
                    labels.attributes() == null ? null : labels.attributes().get(attributeNames.get(i));
            if (known == null
                    && labels.gender() != null
                    && attributeNames.get(i).equals("Male")) {
                known = labels.gender() == 0;
            }
            result[i] = known == null ? 0f : values ? (known ? 1f : 0f) : 1f;
        }
        return result;
    }

    private float[] expression(FaceLabels labels, float[] teacher) {
        float[] target = new float[Expression.values().length];
        if (labels.expression() != null) {
            float share = teacher == null ? 1f : settings.handExpressionShare();
            target[labels.expression().ordinal()] += share;
        }
        if (teacher != null) {
            float share = labels.expression() == null ? 1f : 1f - settings.handExpressionShare();
            for (int c = 0; c < target.length; c++) {
                target[c] += share * teacher[c];
            }
        }
        return target;
    }

    /** Brightness, contrast and grayscale on normalised CHW pixels (undone and redone around the jitter). */
    static final class PhotometricJitter {

        private PhotometricJitter() {}

        static void apply(float[] chw, Preprocessing preprocessing, Settings settings, SplittableRandom random) {
            float[] mean = preprocessing.mean();
            float[] std = preprocessing.std();
            int plane = chw.length / 3;
            double brightness = 1
                    + (settings.brightness() > 0
                            ? random.nextDouble(-settings.brightness(), settings.brightness())
                            : 0);
            double contrast =
                    1 + (settings.contrast() > 0 ? random.nextDouble(-settings.contrast(), settings.contrast()) : 0);
            boolean gray = random.nextDouble() < settings.grayscaleProbability();
            double average = 0;
            for (int i = 0; i < chw.length; i++) {
                int channel = i / plane;
                chw[i] = chw[i] * std[channel] + mean[channel];
                average += chw[i];
            }
            average /= chw.length;
            for (int i = 0; i < plane; i++) {
                float luma = 0.299f * chw[i] + 0.587f * chw[plane + i] + 0.114f * chw[2 * plane + i];
                for (int channel = 0; channel < 3; channel++) {
                    int at = channel * plane + i;
                    double value = gray ? luma : chw[at];
                    value = ((value - average) * contrast + average) * brightness;
                    chw[at] = (float) ((Math.min(1, Math.max(0, value)) - mean[channel]) / std[channel]);
                }
            }
        }
    }
}
