package io.prosface.server.inference.batching;

/**
 * One item's answer from the {@link DynamicBatcher} with where its time went.
 *
 * @param output the processor's answer for this item
 * @param queueNanos time from {@code submit} until its batch started
 * @param computeNanos time of the whole batch's processing (shared by every item of the batch)
 * @param batchSize number of items in its batch
 */
public record Batched<O>(O output, long queueNanos, long computeNanos, int batchSize) {}
