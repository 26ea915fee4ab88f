package io.prosface.server.inference.batching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.MetricNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A dynamic batcher after Triton's: callers {@link #submit} single items; worker threads take the first waiting item,
 * wait at most {@code maxQueueDelay} (counted from that item's arrival) for more, and hand up to
 * {@code maxBatchSize} items to their own {@link BatchProcessor} in one call.
 *
 * <p>Admission: a bounded queue; a full queue refuses at once (RESOURCE_EXHAUSTED with a retry-after) instead of
 * letting latency grow without bound. Deadlines: every item has one; when it passes while the item waits, the caller
 * gets DEADLINE_EXCEEDED at that moment and the item leaves the queue uncomputed. A caller that cancels its future
 * has the same effect. Shutdown ({@link #close}) stops accepting and lets the workers finish what is queued.
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DynamicBatcher.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final BatchSettings settings;
    private final BlockingQueue<Pending<I, O>> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledThreadPoolExecutor deadlines;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger busyWorkers = new AtomicInteger();
    private final IntConsumer batchHook;
    private volatile boolean accepting = true;

    private final MeterRegistry meters;
    private final List<Meter> registered = new ArrayList<>();
    private final Timer queueTime;
    private final Timer computeTime;
    private final DistributionSummary batchSize;
    private final Counter computedItems;
    private final Counter expiredItems;

    /**
     * @param name thread-name prefix
     * @param processors called once per worker, on that worker's thread, to create the processor it owns
     * @param batchHook called with the batch size before each batch (a test seam; production passes a no-op)
     */
    public DynamicBatcher(
            String name,
            BatchSettings settings,
            Supplier<? extends BatchProcessor<I, O>> processors,
            MeterRegistry meters,
            IntConsumer batchHook) {
        this(name, settings, processors, meters, Tags.empty(), batchHook);
    }

    /** @param tags put on every metric of this batcher (the server's: {@code model}, the backbone it serves) */
    public DynamicBatcher(
            String name,
            BatchSettings settings,
            Supplier<? extends BatchProcessor<I, O>> processors,
            MeterRegistry meters,
            Tags tags,
            IntConsumer batchHook) {
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.maxQueueSize());
        this.batchHook = batchHook;
        this.meters = meters;
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-deadlines"));
        // a cancelled timer must not keep its item (and the pixels in it) alive until the timer's original time
        deadlines.setRemoveOnCancelPolicy(true);

        queueTime = keep(Timer.builder(MetricNames.QUEUE_TIME)
                .description("time an item waited for a batch")
                .tags(tags)
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(meters));
        computeTime = keep(Timer.builder(MetricNames.INFERENCE_TIME)
                .description("time of one batched forward")
                .tags(tags)
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(meters));
        batchSize = keep(DistributionSummary.builder(MetricNames.BATCH_SIZE)
                .description("achieved batch size")
                .tags(tags)
                .serviceLevelObjectives(batchBuckets(settings.maxBatchSize()))
                .publishPercentiles(0.5, 0.95)
                .register(meters));
        computedItems = keep(Counter.builder(MetricNames.COMPUTED_ITEMS)
                .description("items run through the model")
                .tags(tags)
                .register(meters));
        expiredItems = keep(Counter.builder(MetricNames.EXPIRED_ITEMS)
                .tags(tags)
                .description("items dropped uncomputed because their deadline passed or their caller went away")
                .register(meters));
        keep(Gauge.builder(MetricNames.QUEUE_DEPTH, queue, BlockingQueue::size)
                .description("items waiting")
                .tags(tags)
                .strongReference(true)
                .register(meters));
        keep(Gauge.builder(MetricNames.IN_FLIGHT, inFlight, AtomicInteger::get)
                .tags(tags)
                .description("items accepted and not yet answered")
                .strongReference(true)
                .register(meters));

        for (int index = 0; index < settings.workers(); index++) {
            Thread worker = new Thread(() -> runWorker(processors), name + "-worker-" + index);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    /**
     * Queues one item. Never blocks: a full queue, a closed batcher or a deadline already in the past give a future
     * that has already failed.
     *
     * @param deadlineNanos absolute {@link System#nanoTime()} after which the caller no longer wants the answer
     */
    public CompletableFuture<Batched<O>> submit(I input, long deadlineNanos) {
        long now = System.nanoTime();
        Pending<I, O> pending = new Pending<>(input, now, deadlineNanos);
        if (!accepting) {
            pending.result.completeExceptionally(
                    ServingException.unavailable("server is shutting down", settings.retryAfter()));
            return pending.result;
        }
        if (deadlineNanos - now <= 0) {
            pending.result.completeExceptionally(ServingException.deadlineExceeded("deadline passed before queueing"));
            return pending.result;
        }
        inFlight.incrementAndGet();
        pending.result.whenComplete((answer, failure) -> onDone(pending));
        if (!queue.offer(pending)) {
            pending.take();
            pending.result.completeExceptionally(ServingException.queueFull(
                    "inference queue full (" + settings.maxQueueSize() + " waiting)", settings.retryAfter()));
            return pending.result;
        }
        pending.deadlineTimer = deadlines.schedule(() -> expire(pending), deadlineNanos - now, TimeUnit.NANOSECONDS);
        if (pending.result.isDone()) {
            pending.deadlineTimer.cancel(false);
        }
        return pending.result;
    }

    private void expire(Pending<I, O> pending) {
        pending.result.completeExceptionally(ServingException.deadlineExceeded("deadline exceeded after "
                + Duration.ofNanos(System.nanoTime() - pending.enqueuedNanos).toMillis() + " ms in the server"));
    }

    /** Runs once when an item's caller has an answer, whatever it is: frees its queue slot if nobody took it. */
    private void onDone(Pending<I, O> pending) {
        inFlight.decrementAndGet();
        if (pending.deadlineTimer != null) {
            pending.deadlineTimer.cancel(false);
        }
        if (pending.take()) {
            // expired or cancelled while waiting: leave the queue now so it neither blocks a slot nor gets computed
            queue.remove(pending);
            expiredItems.increment();
        }
    }

    private void runWorker(Supplier<? extends BatchProcessor<I, O>> processors) {
        try (BatchProcessor<I, O> processor = processors.get()) {
            List<Pending<I, O>> batch = new ArrayList<>(settings.maxBatchSize());
            while (accepting || !queue.isEmpty()) {
                collect(batch);
                if (!batch.isEmpty()) {
                    run(processor, batch);
                    batch.clear();
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException failure) {
            LOG.error("inference worker stopped", failure);
        }
    }

    /** Fills {@code batch}: blocks for a first item, then waits until that item's queue delay is used up. */
    private void collect(List<Pending<I, O>> batch) throws InterruptedException {
        Pending<I, O> first = queue.poll(IDLE_POLL_NANOS, TimeUnit.NANOSECONDS);
        if (first == null || !first.take()) {
            return;
        }
        batch.add(first);
        long flushAt = first.enqueuedNanos + settings.maxQueueDelay().toNanos();
        while (batch.size() < settings.maxBatchSize()) {
            long wait = flushAt - System.nanoTime();
            Pending<I, O> next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                return;
            }
            if (next.take()) {
                batch.add(next);
            }
        }
    }

    private void run(BatchProcessor<I, O> processor, List<Pending<I, O>> batch) {
        long start = System.nanoTime();
        List<I> inputs = new ArrayList<>(batch.size());
        for (Pending<I, O> pending : batch) {
            queueTime.record(start - pending.enqueuedNanos, TimeUnit.NANOSECONDS);
            inputs.add(pending.input);
        }
        batchSize.record(batch.size());
        busyWorkers.incrementAndGet();
        try {
            batchHook.accept(batch.size());
            List<O> outputs = processor.process(inputs);
            long computeNanos = System.nanoTime() - start;
            computedItems.increment(batch.size());
            for (int index = 0; index < batch.size(); index++) {
                Pending<I, O> pending = batch.get(index);
                pending.result.complete(
                        new Batched<>(outputs.get(index), start - pending.enqueuedNanos, computeNanos, batch.size()));
            }
        } catch (Throwable failure) {
            LOG.debugf(failure, "batch of %d failed", batch.size());
            batch.forEach(pending -> pending.result.completeExceptionally(failure));
        } finally {
            busyWorkers.decrementAndGet();
            computeTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    public boolean isAccepting() {
        return accepting;
    }

    /** True while every worker thread runs (liveness). */
    public boolean workersAlive() {
        return workers.stream().allMatch(Thread::isAlive);
    }

    public int queueDepth() {
        return queue.size();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Stops accepting; lets workers finish the queue for up to {@code drainTimeout}; fails whatever is left. */
    public void close(Duration drainTimeout) {
        accepting = false;
        long until = System.nanoTime() + drainTimeout.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Pending<I, O> left; (left = queue.poll()) != null; ) {
            left.result.completeExceptionally(ServingException.unavailable("server shut down", settings.retryAfter()));
        }
        workers.forEach(Thread::interrupt);
        deadlines.shutdownNow();
        // a registry may outlive this batcher (Quarkus shares a global composite between restarts in one JVM): a
        // gauge left behind would keep reading this dead batcher's queue instead of the next one's
        registered.forEach(meters::remove);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private static double[] batchBuckets(int maxBatchSize) {
        List<Double> buckets = new ArrayList<>();
        for (int size = 1; size < maxBatchSize; size *= 2) {
            buckets.add((double) size);
        }
        buckets.add((double) maxBatchSize);
        return buckets.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = Executors.defaultThreadFactory().newThread(runnable);
            thread.setName(name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
