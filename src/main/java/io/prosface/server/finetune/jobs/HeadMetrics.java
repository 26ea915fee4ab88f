package io.prosface.server.finetune.jobs;

import io.prosface.core.model.HeadKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics a user can read on a job, from the head's raw outputs (one float[] per example) and the targets:
 * <ul>
 *   <li>classification: {@code accuracy} (top-1), and {@code chance} (share of the most frequent class);</li>
 *   <li>multilabel: {@code accuracy} (mean over labels and images, threshold 0.5);</li>
 *   <li>regression: {@code mae} and {@code rmse} in the label's units, mean over outputs;</li>
 *   <li>landmarks: {@code mean_error}, the mean point distance as a share of the model input side.</li>
 * </ul>
 */
final class HeadMetrics {

    private HeadMetrics() {}

    static Map<String, Double> of(HeadKind kind, List<float[]> outputs, List<float[]> targets) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        int count = outputs.size();
        if (count == 0) {
            return metrics;
        }
        switch (kind) {
            case CLASSIFICATION -> {
                int correct = 0;
                Map<Integer, Integer> frequency = new java.util.HashMap<>();
                for (int i = 0; i < count; i++) {
                    int truth = (int) targets.get(i)[0];
                    correct += argmax(outputs.get(i)) == truth ? 1 : 0;
                    frequency.merge(truth, 1, Integer::sum);
                }
                metrics.put("accuracy", (double) correct / count);
                metrics.put("chance", (double) java.util.Collections.max(frequency.values()) / count);
            }
            case MULTILABEL -> {
                long correct = 0;
                long total = 0;
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < outputs.get(i).length; j++) {
                        // logit > 0 <=> sigmoid > 0.5
                        correct += (outputs.get(i)[j] > 0) == (targets.get(i)[j] > 0.5f) ? 1 : 0;
                        total++;
                    }
                }
                metrics.put("accuracy", (double) correct / total);
            }
            case REGRESSION -> {
                double absolute = 0;
                double squared = 0;
                int values = 0;
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < outputs.get(i).length; j++) {
                        double error = outputs.get(i)[j] - targets.get(i)[j];
                        absolute += Math.abs(error);
                        squared += error * error;
                        values++;
                    }
                }
                metrics.put("mae", absolute / values);
                metrics.put("rmse", Math.sqrt(squared / values));
            }
            case LANDMARKS -> {
                double distance = 0;
                int points = 0;
                for (int i = 0; i < count; i++) {
                    float[] predicted = outputs.get(i);
                    float[] truth = targets.get(i);
                    for (int p = 0; p + 1 < truth.length; p += 2) {
                        distance += Math.hypot(predicted[p] - truth[p], predicted[p + 1] - truth[p + 1]);
                        points++;
                    }
                }
                metrics.put("mean_error", distance / points);
            }
            default -> throw new IllegalArgumentException(kind + " is not a few-shot kind");
        }
        return metrics;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
