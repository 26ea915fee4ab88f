package io.prosface.server.inference.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.config.ModelConfig;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.MetricNames;
import io.prosface.server.inference.batching.BatchHook;
import io.prosface.server.inference.batching.BatchSettings;
import io.prosface.server.inference.batching.Batched;
import io.prosface.server.inference.batching.DynamicBatcher;
import io.prosface.server.inference.batching.WorkerThreads;
import io.prosface.server.inference.registry.BackbonePrecision;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadMeters;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelLoader;
import io.prosface.server.inference.registry.ModelRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Owns the served model and the batcher: loads the checkpoint on the configured device at start, warms every
 * configured batch size on every worker, then reports ready; on shutdown stops accepting and drains the queue.
 */
@ApplicationScoped
public class InferenceEngine {

    private static final Logger LOG = Logger.getLogger(InferenceEngine.class);

    /** Lifecycle as the health checks report it. */
    public enum State {
        STARTING,
        LOADED,
        READY,
        STOPPING,
        FAILED
    }

    private final InferenceConfig config;
    private final ModelConfig modelConfig;
    private final ModelLoader loader;
    private final BatchHook batchHook;
    private final MeterRegistry meters;
    /** Each lifecycle change, fired synchronously after it happened (gRPC health follows it at once). */
    private final Event<State> stateChanges;

    private volatile io.micrometer.core.instrument.Meter info;
    private final Duration shutdownTimeout;

    private volatile State state = State.STARTING;
    /** Admitted requests not yet answered (see {@link #requestStarted}). */
    private final java.util.concurrent.atomic.AtomicInteger activeRequests =
            new java.util.concurrent.atomic.AtomicInteger();

    private volatile ModelRegistry registry;
    private volatile DynamicBatcher<FaceInput, FaceOutputs> batcher;
    private volatile Device device;
    private volatile HeadMeters headMeters = HeadMeters.NONE;

    @Inject
    InferenceEngine(
            InferenceConfig config,
            ModelConfig modelConfig,
            ModelLoader loader,
            BatchHook batchHook,
            MeterRegistry meters,
            Event<State> stateChanges,
            @ConfigProperty(name = "quarkus.shutdown.timeout", defaultValue = "30s") Duration shutdownTimeout) {
        this.config = config;
        this.modelConfig = modelConfig;
        this.loader = loader;
        this.batchHook = batchHook;
        this.meters = meters;
        this.stateChanges = stateChanges;
        this.shutdownTimeout = shutdownTimeout;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        try {
            start();
        } catch (RuntimeException failure) {
            changeState(State.FAILED);
            throw failure;
        }
    }

    private void start() {
        device = chooseDevice(config.device());
        Path checkpoint = Path.of(modelConfig.path()).toAbsolutePath().normalize();
        long begin = System.nanoTime();
        registry = loader.load(checkpoint, device);
        changeState(State.LOADED);
        LOG.infof(
                "loaded model %s from %s on %s in %d ms; heads %s",
                registry.modelVersion(),
                checkpoint,
                device,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                registry.heads().stream().map(LoadedHead::key).toList());

        int workers = WorkerThreads.workers(config.workers(), device);
        int threadsPerWorker = WorkerThreads.perWorker(config.threadsPerWorker(), workers);
        BackbonePrecision precision = BackbonePrecision.of(config.precision(), registry, device, threadsPerWorker);
        LOG.infof(
                "inference precision %s (pros.inference.precision=%s)",
                precision.description(), config.precision().name().toLowerCase());
        CountDownLatch warmed = new CountDownLatch(workers);
        AtomicReference<RuntimeException> warmUpFailure = new AtomicReference<>();
        BatchSettings settings = new BatchSettings(
                config.maxBatchSize(), config.maxQueueDelay(), config.maxQueueSize(), workers, config.retryAfter());
        HeadMeters served = new HeadMeters(meters, registry.modelVersion());
        headMeters = served;
        batcher = new DynamicBatcher<>(
                "pros-inference",
                settings,
                () -> {
                    WorkerThreads.applyToCurrentThread(threadsPerWorker);
                    FaceBatchProcessor processor = new FaceBatchProcessor(
                            registry, device, precision.runners().get());
                    try {
                        warmUp(processor);
                    } catch (RuntimeException failure) {
                        warmUpFailure.set(failure);
                        throw failure;
                    } finally {
                        warmed.countDown();
                    }
                    processor.measureHeads(served); // after warm-up: its batches are not traffic
                    return processor;
                },
                meters,
                Tags.of("model", registry.modelVersion()),
                batchHook::beforeBatch);
        awaitWarmUp(warmed, warmUpFailure);
        // what serves, as labels of one constant gauge (as Triton labels its metrics): the playground's server panel
        // and dashboards read it from /q/metrics
        info = io.micrometer.core.instrument.Gauge.builder(MetricNames.INFO, () -> 1)
                .description("what serves: model, device, precision and the batcher's layout (value always 1)")
                .tag("model", registry.modelVersion())
                .tag("device", device.toString())
                .tag("precision", config.precision().name().toLowerCase())
                .tag("workers", String.valueOf(workers))
                .tag("threads_per_worker", String.valueOf(threadsPerWorker))
                .tag("max_batch_size", String.valueOf(config.maxBatchSize()))
                .strongReference(true)
                .register(meters);
        changeState(State.READY);
        LOG.infof(
                "inference ready: device %s, precision %s, workers %d x %d thread(s), max batch %d, max queue delay %s,"
                        + " max queue %d, warmed %s",
                device,
                config.precision().name().toLowerCase(),
                workers,
                threadsPerWorker,
                config.maxBatchSize(),
                config.maxQueueDelay(),
                config.maxQueueSize(),
                warmUpSizes());
    }

    private static void awaitWarmUp(CountDownLatch warmed, AtomicReference<RuntimeException> failure) {
        try {
            if (!warmed.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("warm-up did not finish within 10 minutes");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during warm-up", interrupted);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("warm-up failed: " + failure.get().getMessage(), failure.get());
        }
    }

    /** Runs each configured batch size once through the backbone and every head (first calls of a shape are slow). */
    private void warmUp(FaceBatchProcessor processor) {
        int imageSize = registry.preprocessing().imageSize();
        Map<FaceTask, LoadedHead> heads = new EnumMap<>(FaceTask.class);
        List<LoadedHead> retained = new ArrayList<>();
        try {
            for (FaceTask task : FaceTask.values()) {
                if (task != FaceTask.EMBEDDING && registry.hasHeadFor(task)) {
                    LoadedHead head = registry.retain(task, null);
                    retained.add(head);
                    heads.put(task, head);
                }
            }
            for (int size : warmUpSizes()) {
                List<FaceInput> inputs = new ArrayList<>();
                for (int index = 0; index < size; index++) {
                    inputs.add(
                            new FaceInput(new float[3 * imageSize * imageSize], EnumSet.allOf(FaceTask.class), heads));
                }
                processor.process(inputs);
            }
        } finally {
            retained.forEach(registry::release);
        }
    }

    private List<Integer> warmUpSizes() {
        return config.warmUpBatchSizes().stream()
                .filter(size -> size >= 1 && size <= config.maxBatchSize())
                .distinct()
                .sorted()
                .toList();
    }

    private static Device chooseDevice(InferenceConfig.DeviceChoice choice) {
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        Device chosen = switch (choice) {
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException(
                            "pros.inference.device=gpu but libtorch sees no GPU; supply a CUDA "
                                    + "libtorch (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR=cu128) or use auto/cpu");
                }
                yield Device.gpu();
            }
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
        LOG.infof(
                "inference device %s (pros.inference.device=%s; %s %s, %d GPU(s) visible)",
                chosen, choice.name().toLowerCase(), engine.getEngineName(), engine.getVersion(), gpus);
        return chosen;
    }

    /**
     * Queues one face; the future fails with UNAVAILABLE before the model is ready, and once stopping has drained
     * the admitted requests. While stopping, requests admitted before it (see {@link #requestStarted}) may still
     * queue faces: a re-framed face's second pass comes after its first.
     */
    public CompletableFuture<Batched<FaceOutputs>> submit(FaceInput input, long deadlineNanos) {
        DynamicBatcher<FaceInput, FaceOutputs> current = batcher;
        if (state != State.READY && state != State.STOPPING || current == null) {
            return CompletableFuture.failedFuture(notReady());
        }
        return current.submit(input, deadlineNanos);
    }

    /** Throws UNAVAILABLE unless requests are being accepted. */
    public ModelRegistry readyRegistry() {
        if (state != State.READY) {
            throw notReady();
        }
        return registry;
    }

    private ServingException notReady() {
        return ServingException.unavailable(
                state == State.STOPPING
                        ? "server is shutting down"
                        : "model is not ready (" + state.name().toLowerCase() + ")",
                config.retryAfter());
    }

    public State state() {
        return state;
    }

    private void changeState(State next) {
        state = next;
        stateChanges.fire(next);
    }

    /** Faces waiting for a worker (the {@link MetricNames#QUEUE_DEPTH} gauge). */
    public int queueDepth() {
        DynamicBatcher<FaceInput, FaceOutputs> current = batcher;
        return current == null ? 0 : current.queueDepth();
    }

    /** Faces accepted and not yet answered (the {@link MetricNames#IN_FLIGHT} gauge). */
    public int inFlight() {
        DynamicBatcher<FaceInput, FaceOutputs> current = batcher;
        return current == null ? 0 : current.inFlight();
    }

    public boolean workersAlive() {
        DynamicBatcher<FaceInput, FaceOutputs> current = batcher;
        return current == null || current.workersAlive();
    }

    public Device device() {
        return device;
    }

    /** The served backbone as metrics label it ({@code model}): its version, or "none" before it is loaded. */
    public String modelLabel() {
        ModelRegistry current = registry;
        return current == null ? "none" : current.modelVersion();
    }

    /** The registry for administration (hot swap); null before the model is loaded. */
    public ModelRegistry registry() {
        return registry;
    }

    void onStop(@Observes ShutdownEvent event) {
        stop(shutdownTimeout);
    }

    /** An admitted request begins: stopping waits for it to be answered (every pass of every face). */
    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    /** The request admitted with {@link #requestStarted} is answered or failed. */
    public void requestFinished() {
        activeRequests.decrementAndGet();
    }

    /**
     * Stops admitting requests, answers the admitted ones (all their passes) and what is queued, for up to
     * {@code drainTimeout} in all, then frees the model.
     */
    public synchronized void stop(Duration drainTimeout) {
        if (state == State.STOPPING) {
            return;
        }
        changeState(State.STOPPING);
        if (info != null) {
            meters.remove(info); // a registry may outlive this engine (tests restart Quarkus in one JVM)
        }
        long until = System.nanoTime() + drainTimeout.toNanos();
        DynamicBatcher<FaceInput, FaceOutputs> current = batcher;
        if (current != null) {
            LOG.infof("draining %d admitted request(s), %d queued face(s)", activeRequests.get(), current.queueDepth());
            while (activeRequests.get() > 0 && System.nanoTime() - until < 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            current.close(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
        }
        headMeters.close();
        if (registry != null) {
            try {
                registry.close();
            } catch (Exception failure) {
                LOG.warn("closing the model failed", failure);
            }
        }
    }
}
