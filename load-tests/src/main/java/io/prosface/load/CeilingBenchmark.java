package io.prosface.load;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointException;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.IntraOpThreads;
import io.prosface.core.model.TaskHead;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process batched ceiling: the same checkpoint and core classes as the server, no server. One pass is what the
 * server's batch processor does per batch: stack the preprocessed faces, ONE backbone forward, the requested heads
 * on the same features with their output activations, results copied back to Java arrays. Without decoding, network,
 * queueing or JSON/protobuf, this is the most faces per second the model can give on this machine at this batch size;
 * a server's throughput divided by it is its efficiency. When the server re-frames faces
 * ({@code pros.inference.reframe-faces}, on by default for a checkpoint with a 68-point head) every face costs two
 * passes: the 68-point head alone on the first cut, then everything on the re-cut; the ceiling then runs both, so a
 * "face" means the same work on both sides of the ratio.
 *
 * <p>Threading as in the server: the model is loaded on the calling thread and the passes run on dedicated worker
 * threads, as many as the server's workers, each with the server's intra-op threads per worker (the server loads on
 * its main thread and computes on its batcher workers). This matters: on the busy
 * 2-core development machine, libtorch's parallel ops ran about ten times slower on the thread that had initialised
 * the engine than on any other thread (a 512x512 matrix product: 33 ms against 3.2 ms), so passes on the loading
 * thread would measure a ceiling far below what the server really does.
 */
final class CeilingBenchmark {

    /**
     * @param imagesPerSecond best round at {@code batchSize}: the ceiling
     * @param medianImagesPerSecond median round at {@code batchSize} (how noisy the machine was)
     * @param singleMillis median time of one face alone (batch 1, both passes when re-framed): the floor of a lone
     *     request's latency
     * @param imagesPerCpuSecond best round's images per CPU-second of this process (which does nothing else
     *     meanwhile): unlike images per second, it hardly depends on how much of a shared machine the run got
     */
    record Result(
            String architecture,
            int batchSize,
            double imagesPerSecond,
            double medianImagesPerSecond,
            double singleMillis,
            double imagesPerCpuSecond,
            List<String> heads,
            boolean reframed,
            int workers,
            int threadsPerWorker) {}

    private CeilingBenchmark() {}

    /**
     * @param workers passes run side by side, each on its own thread (the server's {@code pros.inference.workers})
     * @param threadsPerWorker libtorch intra-op threads of each of those threads
     */
    static Result run(
            Path checkpointDirectory,
            TestImage image,
            List<String> tasks,
            boolean reframe,
            int batchSize,
            int workers,
            int threadsPerWorker,
            int rounds,
            Duration roundTime)
            throws CheckpointException, InterruptedException, ExecutionException {
        AtomicInteger named = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(
                workers, runnable -> new Thread(runnable, "ceiling-worker-" + named.incrementAndGet()));
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = Checkpoint.load(checkpointDirectory, manager);
            checkpoint.backbone().freezeParameters(true);
            checkpoint.heads().values().forEach(head -> head.freezeParameters(true));
            List<HeadConfig> heads = requestedHeads(checkpoint, tasks);
            FacePreprocessor preprocessor =
                    new FacePreprocessor(checkpoint.config().preprocessing(), ImageDecoder.withDefaultLimits());
            int[] box = image.box();
            float[] face = preprocessor
                    .prepare(image.bytes(), box == null ? null : new FaceBox(box[0], box[1], box[2], box[3]))
                    .pixels();
            HeadConfig reframer = reframe
                    ? checkpoint.config().heads().stream()
                            .filter(head -> head.kind() == HeadKind.LANDMARKS)
                            .findFirst()
                            .orElse(null)
                    : null;
            Pass pass = new Pass(
                    checkpoint, heads, tasks.contains("embedding"), reframer, preprocessor.imageSize(), manager);
            List<float[]> batch = Collections.nCopies(batchSize, face);
            // every worker thread: its own intra-op threads (as the server's workers set theirs), then a warm-up
            onEach(pool, workers, () -> {
                IntraOpThreads.setForCurrentThread(threadsPerWorker);
                for (int warmUp = 0; warmUp < 3; warmUp++) {
                    pass.run(batch);
                    pass.run(List.of(face));
                }
                return 0L;
            });
            List<Double> rates = new ArrayList<>();
            List<Double> ratesPerCpu = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                long cpuStart = processCpuNanos();
                long until = start + roundTime.toNanos();
                long passes = onEach(pool, workers, () -> {
                    long done = 0;
                    while (System.nanoTime() < until) {
                        pass.run(batch);
                        done++;
                    }
                    return done;
                });
                rates.add(passes * batchSize / ((System.nanoTime() - start) / 1e9));
                ratesPerCpu.add(passes * batchSize / ((processCpuNanos() - cpuStart) / 1e9));
            }
            // a lone face: one pass at batch 1 on one worker while the others idle
            List<Double> singles = pool.submit(() -> {
                        List<Double> times = new ArrayList<>();
                        for (int index = 0; index < 50; index++) {
                            long start = System.nanoTime();
                            pass.run(List.of(face));
                            times.add((System.nanoTime() - start) / 1e6);
                        }
                        return times;
                    })
                    .get();
            Collections.sort(rates);
            Collections.sort(singles);
            return new Result(
                    checkpoint.config().architecture().name(),
                    batchSize,
                    rates.get(rates.size() - 1),
                    rates.get(rates.size() / 2),
                    singles.get(singles.size() / 2),
                    Collections.max(ratesPerCpu),
                    heads.stream().map(HeadConfig::name).toList(),
                    reframer != null,
                    workers,
                    threadsPerWorker);
        } finally {
            pool.shutdown();
        }
    }

    /** Runs {@code work} on each of the pool's {@code workers} threads at the same time; the sum of the results. */
    private static long onEach(ExecutorService pool, int workers, Callable<Long> work)
            throws InterruptedException, ExecutionException {
        // every task waits for all the others, so no thread can take two of them: one task per pool thread
        CyclicBarrier together = new CyclicBarrier(workers);
        List<Future<Long>> results = new ArrayList<>();
        for (int index = 0; index < workers; index++) {
            results.add(pool.submit(() -> {
                together.await();
                return work.call();
            }));
        }
        long total = 0;
        for (Future<Long> result : results) {
            total += result.get();
        }
        return total;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The first head of the checkpoint for each requested head task, as the server's default heads. */
    private static List<HeadConfig> requestedHeads(Checkpoint checkpoint, List<String> tasks) {
        Map<String, HeadKind> kinds = Map.of(
                "attributes", HeadKind.ATTRIBUTES, "expression", HeadKind.EXPRESSION, "landmarks", HeadKind.LANDMARKS);
        List<HeadConfig> heads = new ArrayList<>();
        for (String task : tasks) {
            HeadKind kind = kinds.get(task);
            checkpoint.config().heads().stream()
                    .filter(head -> head.kind() == kind)
                    .findFirst()
                    .ifPresent(heads::add);
        }
        return heads;
    }

    /** @param reframer the 68-point head of the first pass, or null when the server does not re-frame */
    private record Pass(
            Checkpoint checkpoint,
            List<HeadConfig> heads,
            boolean embedding,
            HeadConfig reframer,
            int imageSize,
            NDManager manager) {

        void run(List<float[]> faces) {
            if (reframer != null) {
                // the server's first pass: the 68-point head alone, its points copied back to re-cut the faces
                run(faces, List.of(reframer), false);
            }
            run(faces, heads, embedding);
        }

        private void run(List<float[]> faces, List<HeadConfig> heads, boolean embedding) {
            try (NDManager batch = manager.newSubManager()) {
                ParameterStore parameters = new ParameterStore(batch, false);
                NDArray images = FacePreprocessor.stack(batch, faces, imageSize);
                // (B, 3, S, S) -> classToken (B, D), patchTokens (B, N, D)
                NDList features = checkpoint.backbone().forward(parameters, new NDList(images), false);
                if (embedding) {
                    NDArray classToken = features.get(0);
                    // (B, D) / (B, 1): unit length, as the server answers embeddings
                    classToken
                            .div(classToken.norm(new int[] {1}, true).maximum(1e-12f))
                            .toFloatArray();
                }
                for (HeadConfig config : heads) {
                    TaskHead head = checkpoint.heads().get(config.name());
                    NDArray output = head.forward(parameters, features, false).head();
                    NDArray answer = switch (config.kind()) {
                        case ATTRIBUTES, MULTILABEL -> Activation.sigmoid(output);
                        case EXPRESSION, CLASSIFICATION -> output.softmax(-1);
                        // (B, K, 2) -> (B, 2K)
                        case LANDMARKS -> output.reshape(output.getShape().get(0), -1);
                        case REGRESSION -> output;
                    };
                    answer.toFloatArray();
                }
            }
        }
    }
}
