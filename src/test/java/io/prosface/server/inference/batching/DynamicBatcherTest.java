package io.prosface.server.inference.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.MetricNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher's contract without Quarkus or a model: batching, admission, deadlines, drain on close. */
class DynamicBatcherTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Integer> computed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch gate = new CountDownLatch(1);
    /** Counted down when a worker has taken a batch and is about to wait at the gate. */
    private final CountDownLatch atGate = new CountDownLatch(1);

    private DynamicBatcher<Integer, Integer> batcher;

    /** Doubles its inputs; the first batch waits at the gate so tests can fill the queue behind it. */
    private BatchProcessor<Integer, Integer> gatedDoubler() {
        return inputs -> {
            atGate.countDown();
            gate.await(10, TimeUnit.SECONDS);
            batchSizes.add(inputs.size());
            computed.addAll(inputs);
            return inputs.stream().map(value -> value * 2).toList();
        };
    }

    private DynamicBatcher<Integer, Integer> start(int maxBatch, int maxQueue, Duration delay) {
        batcher = new DynamicBatcher<>(
                "test",
                new BatchSettings(maxBatch, delay, maxQueue, 1, Duration.ofSeconds(2)),
                this::gatedDoubler,
                meters,
                size -> {});
        return batcher;
    }

    @AfterEach
    void stop() {
        gate.countDown();
        if (batcher != null) {
            batcher.close(Duration.ofSeconds(5));
        }
    }

    private static long in(Duration duration) {
        return System.nanoTime() + duration.toNanos();
    }

    @Test
    void waitingItemsAreAnsweredInBatches() throws Exception {
        start(4, 64, Duration.ofMillis(20));
        List<CompletableFuture<Batched<Integer>>> answers = new ArrayList<>();
        for (int value = 0; value < 13; value++) {
            answers.add(batcher.submit(value, in(Duration.ofSeconds(10))));
        }
        gate.countDown();
        for (int value = 0; value < 13; value++) {
            assertEquals(value * 2, answers.get(value).get(5, TimeUnit.SECONDS).output());
        }
        assertTrue(batchSizes.stream().allMatch(size -> size <= 4), "batches never exceed max: " + batchSizes);
        assertTrue(batchSizes.stream().anyMatch(size -> size > 1), "queued items share a batch: " + batchSizes);
        assertEquals(13.0, meters.get(MetricNames.BATCH_SIZE).summary().totalAmount());
        assertEquals(13.0, meters.get(MetricNames.COMPUTED_ITEMS).counter().count());
    }

    @Test
    void aFullQueueRefusesAtOnceWithRetryAfter() throws Exception {
        start(1, 2, Duration.ZERO);
        CompletableFuture<Batched<Integer>> computing = batcher.submit(1, in(Duration.ofSeconds(10)));
        awaitFirstBatchAtGate(); // the worker holds item 1, so items 2 and 3 fill both queue slots
        batcher.submit(2, in(Duration.ofSeconds(10)));
        batcher.submit(3, in(Duration.ofSeconds(10)));
        assertEquals(2, batcher.queueDepth());
        CompletableFuture<Batched<Integer>> refused = batcher.submit(4, in(Duration.ofSeconds(10)));
        // already failed when submit returns: refused without waiting (no clock needed to say so)
        assertTrue(refused.isCompletedExceptionally(), "refused without waiting");
        ServingException failure = failureOf(refused);
        assertEquals(ErrorCode.RESOURCE_EXHAUSTED, failure.code());
        assertEquals(Duration.ofSeconds(2), failure.retryAfter().orElseThrow());
        gate.countDown();
        assertEquals(2, computing.get(5, TimeUnit.SECONDS).output());
    }

    @Test
    void anItemWhoseDeadlinePassesWhileQueuedIsAnsweredThenAndNeverComputed() throws Exception {
        start(1, 8, Duration.ZERO);
        CompletableFuture<Batched<Integer>> computing = batcher.submit(1, in(Duration.ofSeconds(10)));
        awaitFirstBatchAtGate();
        CompletableFuture<Batched<Integer>> late = batcher.submit(2, in(Duration.ofMillis(100)));
        ServingException failure = failureOf(late);
        assertEquals(ErrorCode.DEADLINE_EXCEEDED, failure.code());
        // the only worker is still held at the gate, so the answer came from the deadline, not from a worker
        assertFalse(computing.isDone(), "answered at its deadline, while the worker was still busy");
        assertEquals(List.of(), computed, "nothing computed yet");
        assertEquals(0, batcher.queueDepth(), "the expired item left the queue");
        gate.countDown();
        computing.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(1), computed, "item 2 was never computed");
        assertEquals(1.0, meters.get(MetricNames.EXPIRED_ITEMS).counter().count());
    }

    @Test
    void aCancelledItemIsNeverComputed() throws Exception {
        start(1, 8, Duration.ZERO);
        CompletableFuture<Batched<Integer>> computing = batcher.submit(1, in(Duration.ofSeconds(10)));
        awaitFirstBatchAtGate();
        batcher.submit(2, in(Duration.ofSeconds(10))).cancel(true);
        CompletableFuture<Batched<Integer>> kept = batcher.submit(3, in(Duration.ofSeconds(10)));
        gate.countDown();
        assertEquals(6, kept.get(5, TimeUnit.SECONDS).output());
        computing.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(1, 3), computed);
    }

    @Test
    void closeFinishesQueuedWorkThenRefuses() throws Exception {
        start(2, 8, Duration.ZERO);
        List<CompletableFuture<Batched<Integer>>> answers = new ArrayList<>();
        for (int value = 0; value < 5; value++) {
            answers.add(batcher.submit(value, in(Duration.ofSeconds(10))));
        }
        Thread closer = new Thread(() -> batcher.close(Duration.ofSeconds(5)));
        closer.start();
        awaitNotAccepting();
        assertTrue(closer.isAlive(), "close waits for the queued work, held at the gate");
        assertEquals(
                ErrorCode.UNAVAILABLE,
                failureOf(batcher.submit(9, in(Duration.ofSeconds(10)))).code());
        gate.countDown();
        closer.join(5000);
        assertFalse(closer.isAlive(), "close returned once the queue drained");
        for (int value = 0; value < 5; value++) {
            assertEquals(value * 2, answers.get(value).get(1, TimeUnit.SECONDS).output(), "queued work drained");
        }
    }

    /** Waits until the worker has taken the first batch and is held at the gate (a signal, not a sleep). */
    private void awaitFirstBatchAtGate() throws InterruptedException {
        assertTrue(atGate.await(10, TimeUnit.SECONDS), "the worker never took the first item");
        assertEquals(0, batcher.queueDepth(), "the first item left the queue for the worker");
    }

    /** Waits, boundedly, until close() has begun: the batcher then refuses new work. */
    private void awaitNotAccepting() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batcher.isAccepting() && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertFalse(batcher.isAccepting(), "close() never began");
    }

    private static ServingException failureOf(CompletableFuture<?> future) {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (Exception failure) {
            Throwable cause =
                    failure instanceof CompletionException || failure.getCause() != null ? failure.getCause() : failure;
            return assertInstanceOf(ServingException.class, cause);
        }
        throw new AssertionError("expected a failure");
    }
}
