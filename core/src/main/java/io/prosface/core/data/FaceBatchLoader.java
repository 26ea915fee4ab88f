package io.prosface.core.data;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds training: decodes and transforms samples on a thread pool and hands out batches in a fixed order.
 *
 * <p>Deterministic: the sample order of an epoch comes from (seed, epoch), and each sample's transform gets its own
 * {@link SplittableRandom} seeded from (seed, epoch, index), so results never depend on thread timing. A sample
 * whose image is broken or unreadable is skipped and counted ({@link #skippedCount()}); the batch is filled from
 * the next samples instead. Other exceptions are bugs and end the epoch.
 *
 * <p>Batches are plain lists (of float[] or {@link MultiCropViews}); the training loop turns them into NDArrays on
 * its own thread and manager with {@link FacePreprocessor#stack} or {@link MultiCropAugmentation#stack}.
 */
public final class FaceBatchLoader<T> implements AutoCloseable {

    /** Turns one decoded sample into a training item, with a random generator private to that sample. */
    @FunctionalInterface
    public interface SampleTransform<T> {
        T apply(FaceSample sample, SplittableRandom random);
    }

    /**
     * @param batchSize samples per batch
     * @param shuffle a new seeded order every epoch (else dataset order)
     * @param dropLast leave out a final batch smaller than batchSize
     * @param seed root of all randomness
     * @param threads decoding/augmenting threads
     * @param prefetchBatches how many batches may be in flight ahead of the consumer
     */
    public record Options(
            int batchSize, boolean shuffle, boolean dropLast, long seed, int threads, int prefetchBatches) {

        public Options {
            if (batchSize <= 0 || threads <= 0 || prefetchBatches <= 0) {
                throw new IllegalArgumentException("batchSize, threads and prefetchBatches must be positive");
            }
        }

        /** Shuffled training batches without a ragged last batch, one thread per core, 2 batches ahead. */
        public static Options training(int batchSize, long seed) {
            return new Options(batchSize, true, true, seed, Runtime.getRuntime().availableProcessors(), 2);
        }

        /** Every sample once in dataset order (evaluation). */
        public static Options inOrder(int batchSize) {
            return new Options(batchSize, false, false, 0, Runtime.getRuntime().availableProcessors(), 2);
        }
    }

    private static final System.Logger LOGGER = System.getLogger(FaceBatchLoader.class.getName());
    private static final int LOGGED_SKIPS = 10;

    private final FaceDataset dataset;
    private final SampleTransform<T> transform;
    private final Options options;
    private final ExecutorService executor;
    private final AtomicLong skipped = new AtomicLong();
    private EpochIterator current;

    public FaceBatchLoader(FaceDataset dataset, SampleTransform<T> transform, Options options) {
        this.dataset = dataset;
        this.transform = transform;
        this.options = options;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(options.threads(), runnable -> {
            Thread thread = new Thread(runnable, "face-loader-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The batches of one epoch; starting another epoch cancels the unfinished work of the previous one. */
    public Iterator<List<T>> epoch(int epoch) {
        if (current != null) {
            current.cancel();
        }
        int[] order = options.shuffle()
                ? FaceDatasets.permutation(dataset.size(), new SplittableRandom(mix(options.seed(), epoch, -1)))
                : FaceDatasets.permutation(dataset.size(), null);
        current = new EpochIterator(order, epoch);
        return current;
    }

    /** Samples skipped because their image could not be decoded or read, over all epochs. */
    public long skippedCount() {
        return skipped.get();
    }

    @Override
    public void close() {
        if (current != null) {
            current.cancel();
        }
        executor.shutdownNow();
    }

    /** A well-mixed seed per (root seed, epoch, sample index); murmur3's 64-bit finaliser. */
    static long mix(long seed, int epoch, int index) {
        long value = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L)) ^ (0xC2B2AE3D27D4EB4FL * (index + 2L));
        value ^= value >>> 33;
        value *= 0xFF51AFD7ED558CCDL;
        value ^= value >>> 33;
        value *= 0xC4CEB9FE1A85EC53L;
        return value ^ (value >>> 33);
    }

    private final class EpochIterator implements Iterator<List<T>> {
        private final int[] order;
        private final int epoch;
        private final Deque<Future<T>> inFlight = new ArrayDeque<>();
        private int nextToSubmit;
        private List<T> pending;
        private boolean finished;

        EpochIterator(int[] order, int epoch) {
            this.order = order;
            this.epoch = epoch;
        }

        @Override
        public boolean hasNext() {
            if (pending == null && !finished) {
                pending = fill();
                finished = pending == null;
            }
            return pending != null;
        }

        @Override
        public List<T> next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            }
            List<T> batch = pending;
            pending = null;
            return batch;
        }

        private List<T> fill() {
            List<T> batch = new ArrayList<>(options.batchSize());
            while (batch.size() < options.batchSize()) {
                topUp();
                if (inFlight.isEmpty()) {
                    break;
                }
                T item = await(inFlight.removeFirst());
                if (item != null) {
                    batch.add(item);
                }
            }
            boolean complete = batch.size() == options.batchSize();
            return batch.isEmpty() || (!complete && options.dropLast()) ? null : batch;
        }

        private void topUp() {
            int window = options.batchSize() * options.prefetchBatches();
            while (inFlight.size() < window && nextToSubmit < order.length) {
                int index = order[nextToSubmit++];
                long sampleSeed = mix(options.seed(), epoch, index);
                inFlight.addLast(
                        executor.submit(() -> transform.apply(dataset.get(index), new SplittableRandom(sampleSeed))));
            }
        }

        /** The item, or null when its image was bad (counted and logged). */
        private T await(Future<T> future) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading epoch " + epoch, e);
            } catch (CancellationException e) {
                throw new IllegalStateException("epoch " + epoch + " was cancelled by a newer epoch", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof InvalidImageException || cause instanceof UncheckedIOException) {
                    long count = skipped.incrementAndGet();
                    if (count <= LOGGED_SKIPS) {
                        LOGGER.log(
                                System.Logger.Level.WARNING,
                                "skipping sample: " + cause.getMessage()
                                        + (count == LOGGED_SKIPS ? " (further skips are only counted)" : ""));
                    }
                    return null;
                }
                throw new IllegalStateException("loading a sample failed in epoch " + epoch + ": " + cause, cause);
            }
        }

        void cancel() {
            inFlight.forEach(future -> future.cancel(true));
            inFlight.clear();
            nextToSubmit = order.length;
            finished = true;
            pending = null;
        }
    }
}
