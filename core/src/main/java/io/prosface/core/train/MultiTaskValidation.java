package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FaceBatchLoader;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceDatasets;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.data.readers.MultiTaskCorpus;
import io.prosface.core.data.readers.MultiTaskExample;
import io.prosface.core.model.VisionTransformer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Scores backbone + heads on held-apart faces framed as served (no augmentation), with the labels each face has:
 * attribute accuracy on faces with several attributes (CelebA), gender accuracy on faces whose only attribute is
 * {@code Male} (UTKFace), expression top-1 against the target's top class, landmark NME (outer eye corners), age MAE.
 * A quick in-process check during and after training; the product's numbers come from its REST API.
 */
public final class MultiTaskValidation {

    private MultiTaskValidation() {}

    /** Metrics over up to {@code maxFaces} faces (a seeded sample when the corpus is larger; 0 = all). */
    public static Map<String, Double> evaluate(
            VisionTransformer backbone,
            MultiTaskFineTuning.Heads heads,
            MultiTaskCorpus corpus,
            int maxFaces,
            NDManager manager) {
        FaceDataset dataset = corpus.dataset();
        if (maxFaces > 0 && dataset.size() > maxFaces) {
            dataset = FaceDatasets.split(dataset, (double) maxFaces / dataset.size(), 7)
                    .get(0);
        }
        double attributeRight = 0, attributeCount = 0, genderRight = 0, genderCount = 0;
        double expressionRight = 0, expressionCount = 0, nmeSum = 0, nmeCount = 0, ageErrors = 0, ageCount = 0;
        int imageSize = backbone.config().imageSize();
        try (FaceBatchLoader<MultiTaskExample> loader = new FaceBatchLoader<>(
                dataset,
                (sample, random) -> corpus.example(sample, new SplittableRandom(0), false),
                FaceBatchLoader.Options.inOrder(64))) {
            Iterator<List<MultiTaskExample>> batches = loader.epoch(0);
            while (batches.hasNext()) {
                List<MultiTaskExample> batch = batches.next();
                float[][] outputs = new float[4][];
                try (NDManager batchManager = manager.newSubManager()) {
                    NDArray images = FacePreprocessor.stack(
                            batchManager,
                            batch.stream().map(MultiTaskExample::pixels).toList(),
                            imageSize);
                    ParameterStore store = new ParameterStore(batchManager, false);
                    NDList tokens = backbone.forward(store, new NDList(images), false);
                    for (int h = 0; h < 4; h++) {
                        outputs[h] = heads.all()
                                .get(h)
                                .forward(store, tokens, false)
                                .head()
                                .toFloatArray();
                    }
                }
                int attributes = batch.get(0).attributes().length;
                int points = IbugLandmarks.POINT_COUNT;
                for (int b = 0; b < batch.size(); b++) {
                    MultiTaskExample example = batch.get(b);
                    float known = 0;
                    for (float m : example.attributeMask()) {
                        known += m;
                    }
                    for (int a = 0; a < attributes; a++) {
                        if (example.attributeMask()[a] > 0) {
                            boolean right = (outputs[0][b * attributes + a] > 0) == (example.attributes()[a] > 0.5f);
                            if (known > 1) {
                                attributeRight += right ? 1 : 0;
                                attributeCount++;
                            } else {
                                genderRight += right ? 1 : 0;
                                genderCount++;
                            }
                        }
                    }
                    if (example.expressionWeight() > 0) {
                        expressionRight += argmax(outputs[1], b * 7, 7) == argmax(example.expression(), 0, 7) ? 1 : 0;
                        expressionCount++;
                    }
                    if (example.landmarkWeight() > 0) {
                        nmeSum += nme(outputs[2], b * 2 * points, example.landmarks(), points);
                        nmeCount++;
                    }
                    if (example.ageWeight() > 0) {
                        ageErrors += Math.abs(outputs[3][b] - example.age());
                        ageCount++;
                    }
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        put(metrics, "attributes_accuracy", attributeRight, attributeCount);
        put(metrics, "gender_accuracy", genderRight, genderCount);
        put(metrics, "expression_accuracy", expressionRight, expressionCount);
        put(metrics, "landmarks_nme", nmeSum, nmeCount);
        put(metrics, "age_mae", ageErrors, ageCount);
        return metrics;
    }

    private static void put(Map<String, Double> metrics, String name, double sum, double count) {
        if (count > 0) {
            metrics.put(name, sum / count);
        }
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** Mean point distance over the outer-eye-corner distance of the truth (scale-free, so [0, 1] units do). */
    private static double nme(float[] predicted, int offset, float[] truth, int points) {
        double interocular = Math.hypot(
                truth[2 * IbugLandmarks.RIGHT_EYE_OUTER_CORNER] - truth[2 * IbugLandmarks.LEFT_EYE_OUTER_CORNER],
                truth[2 * IbugLandmarks.RIGHT_EYE_OUTER_CORNER + 1]
                        - truth[2 * IbugLandmarks.LEFT_EYE_OUTER_CORNER + 1]);
        double sum = 0;
        for (int p = 0; p < points; p++) {
            sum += Math.hypot(
                    predicted[offset + 2 * p] - truth[2 * p], predicted[offset + 2 * p + 1] - truth[2 * p + 1]);
        }
        return sum / points / Math.max(interocular, 1e-6);
    }
}
