package io.prosface.core.data.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBatchLoader;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceDatasets;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.TestImages;
import io.prosface.core.data.augment.MultiCropAugmentation;
import io.prosface.core.data.augment.MultiCropConfig;
import io.prosface.core.data.augment.MultiCropViews;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The readers on the real data sets in ../shared/data (read in place, never copied): counts from its README and a
 * few decoded images each. Skips with a message when the folder is absent.
 */
class RealDataTest {

    private final ImageDecoder decoder = ImageDecoder.withDefaultLimits();

    @Test
    void lfpwHas805FacesWith68PointsEach() {
        ImageFileDataset dataset = IbugReader.read(TestImages.sharedData("lfpw/train"), decoder);
        assertEquals(805, dataset.size());
        for (int i = 0; i < dataset.size(); i++) {
            assertEquals(136, dataset.labels(i).landmarks().length);
        }
        for (int i : new int[] {0, 400, 804}) {
            FaceSample sample = dataset.get(i);
            BufferedImage image = sample.image();
            // the README says a longer side of at most 256; some crops are 257 (rounding when they were made)
            assertTrue(Math.max(image.getWidth(), image.getHeight()) <= 257, sample.id());
            float[] points = sample.labels().landmarks();
            FaceBox box = FaceBox.enclosing(points);
            assertTrue(
                    box.x() > -1 && box.x() + box.width() < image.getWidth() + 1,
                    sample.id() + " points inside the crop");
            // the README's crops are the points' box plus 40% margin: the face fills most but not all of the image
            assertTrue(box.width() > 0.4 * image.getWidth(), sample.id());
            assertTrue(IbugLandmarks.interocularDistance(points) > 10, sample.id());
        }
    }

    @Test
    void celebaHas8000FacesWith40Attributes() {
        ImageFileDataset dataset = CelebaReader.read(TestImages.sharedData("celeba"), decoder);
        assertEquals(8000, dataset.size());
        assertEquals(Map.of(), dataset.droppedCounts());
        assertEquals(40, dataset.labels(0).attributes().size());
        assertNotNull(dataset.labels(7999).attributes().get("Smiling"));
        for (int i : new int[] {0, 4321, 7999}) {
            BufferedImage image = dataset.get(i).image();
            assertEquals(89, image.getWidth());
            assertEquals(109, image.getHeight());
            assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        }
    }

    @Test
    void utkFaceHas10000ParsedNames() {
        ImageFileDataset dataset = UtkFaceReader.read(TestImages.sharedData("utkface"), decoder);
        assertEquals(10000, dataset.size());
        assertEquals(Map.of(), dataset.droppedCounts());
        for (int i = 0; i < dataset.size(); i++) {
            FaceLabels labels = dataset.labels(i);
            assertTrue(labels.age() >= 1 && labels.age() <= 116, "age " + labels.age());
        }
        assertEquals(128, dataset.get(1234).image().getWidth());
    }

    @Test
    void facialExpressionsMatchTheReadmeCountsWithContemptDropped() {
        Path root = TestImages.sharedData("facial_expressions");
        ImageFileDataset dataset =
                ExpressionCsvReader.read(root.resolve("labels.csv"), root.resolve("images"), decoder);
        assertEquals(Map.of("contempt", 9), dataset.droppedCounts());
        assertEquals(13682 - 9, dataset.size());
        Map<Expression, Integer> counts = new EnumMap<>(Expression.class);
        for (int i = 0; i < dataset.size(); i++) {
            counts.merge(dataset.labels(i).expression(), 1, Integer::sum);
        }
        assertEquals(
                Map.of(
                        Expression.NEUTRAL,
                        6864,
                        Expression.HAPPINESS,
                        5693,
                        Expression.SURPRISE,
                        367,
                        Expression.SADNESS,
                        268,
                        Expression.ANGER,
                        252,
                        Expression.DISGUST,
                        208,
                        Expression.FEAR,
                        21),
                counts);
        assertEquals(128, dataset.get(0).image().getWidth());
        assertEquals(128, dataset.get(dataset.size() - 1).image().getHeight());
    }

    /** Prints decode + multi-crop throughput on real faces with 2 loader threads (print only). */
    @Test
    void printsLoaderThroughputOnRealFaces() {
        ImageFileDataset celeba = CelebaReader.read(TestImages.sharedData("celeba"), decoder);
        FaceDataset subset = FaceDatasets.subset(
                celeba, java.util.stream.IntStream.range(0, 256).toArray(), "first 256");
        MultiCropAugmentation augmentation =
                new MultiCropAugmentation(MultiCropConfig.dino(64, 32, 6), Preprocessing.imagenet(64));
        FaceBatchLoader.Options options = new FaceBatchLoader.Options(32, true, true, 1, 2, 2);
        try (FaceBatchLoader<MultiCropViews> loader = new FaceBatchLoader<>(
                subset, (sample, random) -> augmentation.apply(sample.image(), random), options)) {
            loader.epoch(0).forEachRemaining(batch -> {}); // warm-up
            // process CPU time too (includes JIT and GC): the machine is shared, so wall time alone says little
            com.sun.management.OperatingSystemMXBean system = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = system.getProcessCpuTime();
            long start = System.nanoTime();
            int images = 0;
            for (java.util.Iterator<List<MultiCropViews>> batches = loader.epoch(1); batches.hasNext(); ) {
                images += batches.next().size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (system.getProcessCpuTime() - cpuStart) / 1e9;
            System.out.printf(
                    "FaceBatchLoader on CelebA (JPEG decode + 2x64px + 6x32px views, 2 threads): %.0f images/s"
                            + " wall, %.0f images per process CPU second%n",
                    images / seconds, images / cpuSeconds);
            assertEquals(0, loader.skippedCount());
        }
    }
}
