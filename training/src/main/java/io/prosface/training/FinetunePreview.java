package io.prosface.training;

import io.prosface.core.data.ContactSheet;
import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.readers.MultiTaskCorpus;
import io.prosface.core.data.readers.MultiTaskExample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The contact sheet of a fine-tune's training faces, written before it trains. */
final class FinetunePreview {

    private FinetunePreview() {}

    /** 24 augmented training faces as the model sees them, with their target points: look before training. */
    static void write(MultiTaskCorpus corpus, Preprocessing preprocessing, long seed, Path file) throws IOException {
        FaceDataset faces = corpus.dataset();
        SplittableRandom random = new SplittableRandom(seed);
        List<FaceSample> cells = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            MultiTaskExample example = corpus.example(faces.get(random.nextInt(faces.size())), random, true);
            int size = preprocessing.imageSize();
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            float[] chw = example.pixels();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        float value = chw[c * size * size + y * size + x]
                                        * preprocessing.std()[c]
                                + preprocessing.mean()[c];
                        rgb = rgb << 8 | Math.max(0, Math.min(255, Math.round(value * 255)));
                    }
                    image.setRGB(x, y, rgb);
                }
            }
            float[] points = null;
            if (example.landmarkWeight() > 0) {
                points = example.landmarks().clone();
                for (int p = 0; p < points.length; p++) {
                    points[p] *= size;
                }
            }
            int top = 0;
            for (int c = 1; c < 7; c++) {
                top = example.expression()[c] > example.expression()[top] ? c : top;
            }
            Map<String, Boolean> attributes = new LinkedHashMap<>();
            for (int a = 0; a < corpus.attributeNames().size(); a++) {
                if (example.attributeMask()[a] > 0) {
                    attributes.put(corpus.attributeNames().get(a), example.attributes()[a] > 0.5f);
                }
            }
            cells.add(new FaceSample(
                    "preview" + i,
                    image,
                    new FaceLabels(
                            attributes,
                            example.expressionWeight() > 0 ? Expression.values()[top] : null,
                            points,
                            example.ageWeight() > 0 ? Math.round(example.age()) : null,
                            null,
                            null)));
        }
        ContactSheet.write(cells, 8, 128, file);
    }
}
