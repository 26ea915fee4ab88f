package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prosface.core.data.augment.MultiCropAugmentation;
import io.prosface.core.data.augment.MultiCropConfig;
import io.prosface.core.data.augment.MultiCropViews;
import io.prosface.core.data.readers.ImageFileDataset;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaceBatchLoaderTest {

    /** In-memory faces; the ids listed as broken throw like an undecodable file would. */
    private static FaceDataset memory(int size, Set<Integer> broken) {
        return new FaceDataset() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public FaceSample get(int index) {
                if (broken.contains(index)) {
                    throw new InvalidImageException(InvalidImageException.Reason.CORRUPT, "sample " + index);
                }
                BufferedImage image = TestImages.gradient(24 + index % 3, 24);
                return new FaceSample(Integer.toString(index), image, ImageFileDataset.unlabeled());
            }

            @Override
            public String describe() {
                return "memory " + size;
            }
        };
    }

    private static List<String> ids(Iterator<List<String>> batches) {
        List<String> all = new ArrayList<>();
        batches.forEachRemaining(all::addAll);
        return all;
    }

    @Test
    void badImagesAreSkippedCountedAndBatchesStayFull() {
        FaceDataset dataset = memory(10, Set.of(2, 7));
        FaceBatchLoader.Options options = new FaceBatchLoader.Options(3, false, false, 1, 2, 2);
        try (FaceBatchLoader<String> loader =
                new FaceBatchLoader<>(dataset, (sample, random) -> sample.id(), options)) {
            List<List<String>> batches = new ArrayList<>();
            loader.epoch(0).forEachRemaining(batches::add);
            assertEquals(List.of(List.of("0", "1", "3"), List.of("4", "5", "6"), List.of("8", "9")), batches);
            assertEquals(2, loader.skippedCount());
        }
    }

    @Test
    void shuffledEpochsAreDeterministicAndDropTheRaggedBatch() {
        FaceDataset dataset = memory(11, Set.of());
        FaceBatchLoader.Options options = new FaceBatchLoader.Options(4, true, true, 42, 2, 3);
        try (FaceBatchLoader<String> first = new FaceBatchLoader<>(dataset, (sample, random) -> sample.id(), options);
                FaceBatchLoader<String> second =
                        new FaceBatchLoader<>(dataset, (sample, random) -> sample.id(), options)) {
            List<String> epochZero = ids(first.epoch(0));
            assertEquals(8, epochZero.size(), "11 samples, batches of 4, ragged last batch dropped");
            assertEquals(8, new HashSet<>(epochZero).size());
            assertEquals(epochZero, ids(second.epoch(0)));
            assertFalse(epochZero.equals(ids(first.epoch(1))), "another epoch, another order");
        }
    }

    @Test
    void perSampleRandomnessDoesNotDependOnThreads() {
        FaceDataset dataset = memory(12, Set.of());
        MultiCropAugmentation augmentation =
                new MultiCropAugmentation(MultiCropConfig.dino(16, 8, 2), Preprocessing.imagenet(16));
        List<MultiCropViews> single = new ArrayList<>();
        List<MultiCropViews> parallel = new ArrayList<>();
        try (FaceBatchLoader<MultiCropViews> one = new FaceBatchLoader<>(
                        dataset,
                        (sample, random) -> augmentation.apply(sample.image(), random),
                        new FaceBatchLoader.Options(5, true, false, 3, 1, 1));
                FaceBatchLoader<MultiCropViews> two = new FaceBatchLoader<>(
                        dataset,
                        (sample, random) -> augmentation.apply(sample.image(), random),
                        new FaceBatchLoader.Options(5, true, false, 3, 2, 4))) {
            one.epoch(0).forEachRemaining(single::addAll);
            two.epoch(0).forEachRemaining(parallel::addAll);
        }
        assertEquals(12, single.size());
        for (int i = 0; i < single.size(); i++) {
            assertArrayEquals(
                    single.get(i).localViews().get(1),
                    parallel.get(i).localViews().get(1));
        }
    }

    @Test
    void programmingErrorsAreNotSwallowed() {
        try (FaceBatchLoader<String> loader = new FaceBatchLoader<>(
                memory(3, Set.of()),
                (sample, random) -> {
                    throw new IllegalStateException("bug");
                },
                FaceBatchLoader.Options.inOrder(2))) {
            assertThrows(IllegalStateException.class, () -> loader.epoch(0).next());
        }
    }
}
