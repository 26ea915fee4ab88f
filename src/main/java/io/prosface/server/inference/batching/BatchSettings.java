package io.prosface.server.inference.batching;

import java.time.Duration;

/**
 * The numbers of a {@link DynamicBatcher}, taken from {@code pros.inference.*}.
 *
 * @param maxBatchSize largest batch handed to a processor
 * @param maxQueueDelay longest time the first item of a batch waits for others to join
 * @param maxQueueSize items that may wait; the next is refused at once
 * @param workers worker threads, each with its own processor
 * @param retryAfter suggested client back-off for refusals
 */
public record BatchSettings(
        int maxBatchSize, Duration maxQueueDelay, int maxQueueSize, int workers, Duration retryAfter) {

    public BatchSettings {
        if (maxBatchSize < 1 || maxQueueSize < 1 || workers < 1) {
            throw new IllegalArgumentException("maxBatchSize, maxQueueSize and workers must be >= 1: " + maxBatchSize
                    + ", " + maxQueueSize + ", " + workers);
        }
        if (maxQueueDelay.isNegative()) {
            throw new IllegalArgumentException("maxQueueDelay must not be negative: " + maxQueueDelay);
        }
    }
}
