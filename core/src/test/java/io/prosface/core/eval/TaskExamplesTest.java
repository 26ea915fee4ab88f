package io.prosface.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.synthetic.SyntheticFaceGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labelled samples reach heads framed as the server frames a detected face. */
class TaskExamplesTest {

    private static final int SIZE = 32;

    @Test
    void samplesWithLandmarksAreCutAroundTheirFaceAsServed() {
        // whole synthetic photos: the face fills about 46% of the width
        List<FaceSample> photos = List.of(1L, 2L, 3L, 4L).stream()
                .map(seed -> SyntheticFaceGenerator.clean(96).render(seed))
                .toList();
        FacePreprocessor preprocessor =
                new FacePreprocessor(Preprocessing.imagenet(SIZE), ImageDecoder.withDefaultLimits());
        TaskExamples landmarks = TaskExamples.read(dataset(photos), DownstreamTask.LANDMARKS, preprocessor, 0, 1);
        TaskExamples attributes = TaskExamples.read(dataset(photos), DownstreamTask.ATTRIBUTES, preprocessor, 0, 1);
        for (int i = 0; i < photos.size(); i++) {
            // targets: the landmarks' box centred in the input, its longer side 1 / (1 + 2 * 0.2) of it
            FaceBox box = FaceBox.enclosing(landmarks.targets().get(i));
            assertEquals(0.5, box.centerX(), 1e-4, "face centre x of photo " + i);
            assertEquals(0.5, box.centerY(), 1e-4, "face centre y of photo " + i);
            assertEquals(1 / 1.4, Math.max(box.width(), box.height()), 1e-4, "face size of photo " + i);
            // every task sees the same crop of the same photo, and it is the crop the server makes
            assertArrayEquals(landmarks.pixels().get(i), attributes.pixels().get(i), "pixels of photo " + i);
            float[] served = preprocessor
                    .prepare(
                            photos.get(i).image(),
                            FaceBox.enclosing(photos.get(i).labels().landmarks()))
                    .pixels();
            assertArrayEquals(served, landmarks.pixels().get(i), "served crop of photo " + i);
        }

        // without landmarks (CelebA's aligned crops, expression folders) the whole image is used
        List<FaceSample> withoutLandmarks = photos.stream()
                .map(photo -> new FaceSample(
                        photo.id(),
                        photo.image(),
                        new FaceLabels(
                                photo.labels().attributes(), photo.labels().expression(), null, null, null, null)))
                .toList();
        TaskExamples whole =
                TaskExamples.read(dataset(withoutLandmarks), DownstreamTask.EXPRESSION, preprocessor, 0, 1);
        float[] wholeImage = preprocessor.prepare(photos.get(0).image(), null).pixels();
        assertArrayEquals(wholeImage, whole.pixels().get(0));
        assertTrue(!java.util.Arrays.equals(wholeImage, landmarks.pixels().get(0)), "the crop differs from the photo");
    }

    private static FaceDataset dataset(List<FaceSample> samples) {
        return new FaceDataset() {
            @Override
            public int size() {
                return samples.size();
            }

            @Override
            public FaceSample get(int index) {
                return samples.get(index);
            }

            @Override
            public String describe() {
                return samples.size() + " synthetic photos";
            }
        };
    }
}
