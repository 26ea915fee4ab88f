package io.prosface.server.finetune.jobs;

import io.prosface.server.finetune.upload.TaskSpec;
import java.time.Instant;
import java.util.Map;

/**
 * A job as stored: what the APIs answer about it.
 *
 * @param spec what it trains (head name, kind, labels, options)
 * @param backbone the backbone it trains on (as served when the upload was accepted)
 * @param headVersion N of {@code name@vN}; null until SUCCEEDED
 * @param revision grows with every change, so a watcher can tell whether anything moved
 */
public record JobRecord(
        String id,
        JobState state,
        TaskSpec spec,
        String backbone,
        Integer headVersion,
        int epoch,
        int totalEpochs,
        long step,
        long totalSteps,
        Map<String, Double> trainMetrics,
        Map<String, Double> validationMetrics,
        int trainExamples,
        int validationExamples,
        String errorMessage,
        boolean cancelRequested,
        String owner,
        long revision,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt) {

    public JobRecord {
        trainMetrics = Map.copyOf(trainMetrics);
        validationMetrics = Map.copyOf(validationMetrics);
    }

    /** step / totalSteps in [0, 1]. */
    public double fraction() {
        return totalSteps <= 0 ? (state == JobState.SUCCEEDED ? 1 : 0) : Math.min(1.0, (double) step / totalSteps);
    }
}
