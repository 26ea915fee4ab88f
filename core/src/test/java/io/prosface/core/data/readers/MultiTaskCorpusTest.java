package io.prosface.core.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.TestImages;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The multi-task corpus on the real data sets in ../shared/data (read in place): which labels each kind of face
 * carries, the masks of those it lacks, the teacher labels, and framing as served (skips when the folder is absent).
 */
class MultiTaskCorpusTest {

    private static final Preprocessing PREPROCESSING =
            new Preprocessing(64, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, 0.2f);

    private static MultiTaskCorpus corpus(MultiTaskCorpus.Source source, Path folder, Path teachers) {
        Map<MultiTaskCorpus.Source, Path> folders = new EnumMap<>(MultiTaskCorpus.Source.class);
        folders.put(source, folder);
        List<String> names = CelebaReader.parse(TestImages.sharedData("celeba").resolve(CelebaReader.ATTRIBUTE_FILE))
                .names();
        return MultiTaskCorpus.read(
                folders,
                Map.of(source, teachers),
                names,
                PREPROCESSING,
                MultiTaskCorpus.Settings.defaults(),
                ImageDecoder.withDefaultLimits());
    }

    private static MultiTaskExample first(MultiTaskCorpus corpus) {
        FaceDataset dataset = corpus.dataset();
        return corpus.example(dataset.get(0), new SplittableRandom(1), false);
    }

    @Test
    void celebaFacesCarryAll40AttributesTeacherExpressionAndTeacherPointsButNoAge() {
        Path celeba = TestImages.sharedData("celeba");
        MultiTaskExample example = first(corpus(MultiTaskCorpus.Source.CELEBA, celeba, celeba));
        assertEquals(40, example.attributes().length);
        for (float known : example.attributeMask()) {
            assertEquals(1f, known);
        }
        assertEquals(1f, example.expressionWeight());
        float sum = 0;
        for (float p : example.expression()) {
            sum += p;
        }
        assertEquals(1f, sum, 1e-4, "face-api.js probabilities as the soft target");
        assertEquals(0.5f, example.landmarkWeight(), "dlib's points weigh half of hand points");
        assertEquals(0f, example.ageWeight());
        // unaugmented, a CelebA face is framed as clients send it: the whole 89x109 crop as the box, margin 0.2, so
        // the dlib points sit well inside the central part of the input
        FaceBox box = FaceBox.enclosing(example.landmarks());
        assertTrue(box.x() > 0.2 && box.x() + box.width() < 0.8, "points' box " + box);
        assertEquals(3 * 64 * 64, example.pixels().length);
    }

    @Test
    void utkFacesAnswerOnlyMaleAndAge() {
        Path utk = TestImages.sharedData("utkface");
        MultiTaskCorpus corpus = corpus(MultiTaskCorpus.Source.UTKFACE, utk, utk);
        FaceDataset dataset = corpus.dataset();
        FaceSample sample = dataset.get(5);
        MultiTaskExample example = corpus.example(sample, new SplittableRandom(1), false);
        int male = corpus.attributeNames().indexOf("Male");
        for (int a = 0; a < 40; a++) {
            assertEquals(
                    a == male ? 1f : 0f,
                    example.attributeMask()[a],
                    corpus.attributeNames().get(a));
        }
        assertEquals(sample.labels().gender() == 0 ? 1f : 0f, example.attributes()[male]);
        assertEquals(sample.labels().age().floatValue(), example.age());
        assertEquals(1f, example.ageWeight());
    }

    @Test
    void handExpressionLabelsAreMixedWithTheTeachersProbabilities() {
        Path expressions = TestImages.sharedData("facial_expressions");
        MultiTaskCorpus corpus = corpus(MultiTaskCorpus.Source.EXPRESSIONS, expressions, expressions);
        FaceDataset dataset = corpus.dataset();
        FaceSample sample = dataset.get(0);
        MultiTaskExample example = corpus.example(sample, new SplittableRandom(1), false);
        float[] teacher = TeacherLabels.read(expressions)
                .expression(sample.id().substring(sample.id().lastIndexOf('/') + 1));
        assertNotNull(teacher);
        for (int c = 0; c < 7; c++) {
            float hand = c == sample.labels().expression().ordinal() ? 0.5f : 0f;
            assertEquals(hand + 0.5f * teacher[c], example.expression()[c], 1e-5, Expression.values()[c].label());
        }
    }

    @Test
    void handPointsWeighOneAndMapExactlyAsTheServingCrop() {
        Path lfpw = TestImages.sharedData("lfpw/train");
        MultiTaskCorpus corpus = corpus(MultiTaskCorpus.Source.IBUG, lfpw, TestImages.sharedData("lfpw"));
        FaceDataset dataset = corpus.dataset();
        FaceSample sample = dataset.get(3);
        MultiTaskExample example = corpus.example(sample, new SplittableRandom(1), false);
        assertEquals(1f, example.landmarkWeight());
        CropTransform crop =
                CropTransform.around(FaceBox.enclosing(sample.labels().landmarks()), 0.2f, 64);
        assertArrayEquals(crop.imageToNormalized(sample.labels().landmarks()), example.landmarks(), 1e-4f);
        // augmented draws keep every point on the face: inside the input, and a different view each time
        MultiTaskExample augmented = corpus.example(sample, new SplittableRandom(2), true);
        for (float coordinate : augmented.landmarks()) {
            assertTrue(coordinate > -0.1f && coordinate < 1.1f, "augmented point coordinate " + coordinate);
        }
        assertTrue(Math.abs(augmented.landmarks()[0] - example.landmarks()[0]) > 1e-4
                || Math.abs(augmented.landmarks()[1] - example.landmarks()[1]) > 1e-4);
    }
}
