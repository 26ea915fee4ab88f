package io.prosface.server.inference;

import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.PreparedFace;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.config.InputConfig;
import io.prosface.server.error.ServingException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service both APIs adapt: image bytes -> decode (size and header guards) -> faces (the client's box, or the
 * detector's, largest first) -> one crop per face into the batcher -> answers with landmarks mapped back to the
 * input image's pixels.
 *
 * <p>Nothing here runs on the caller's thread except validation: decoding and detection run on a bounded pool of
 * preprocessing threads, the model on the batcher's workers, and the caller gets a future. Heads are resolved when
 * the request is admitted (unknown head: NOT_FOUND at once) and held until it is answered.
 */
@ApplicationScoped
public class FaceAnalyzer {

    @Inject
    InferenceEngine engine;
    @Inject
    InferenceConfig inferenceConfig;
    @Inject
    InputConfig inputConfig;
    @Inject
    FaceFinder faceFinder;

    private ImageDecoder decoder;
    private ThreadPoolExecutor preprocessing;

    @PostConstruct
    void start() {
        decoder = new ImageDecoder(inputConfig.maxImageBytes(), inputConfig.maxPixels());
        int threads = inferenceConfig.preprocessThreads() > 0 ? inferenceConfig.preprocessThreads()
                : Runtime.getRuntime().availableProcessors();
        AtomicInteger counter = new AtomicInteger();
        // bounded like the batcher's queue: when both are full, refuse instead of piling up decoded images
        preprocessing = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(inferenceConfig.maxQueueSize()), runnable -> {
                    Thread thread = new Thread(runnable, "pros-preprocess-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @PreDestroy
    void stop() {
        preprocessing.shutdown();
    }

    /** Deadline for a request that brings none. */
    public long defaultDeadlineNanos() {
        return System.nanoTime() + inferenceConfig.requestTimeout().toNanos();
    }

    /**
     * Answers every face of the image; cancelling the returned future drops the faces that still wait. Never throws:
     * every failure, including a refused request, is a failed future.
     */
    public CompletableFuture<AnalysisResult> analyze(AnalysisRequest request) {
        try {
            return admit(request);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    private CompletableFuture<AnalysisResult> admit(AnalysisRequest request) {
        ModelRegistry registry = engine.readyRegistry();
        validate(request);
        Map<FaceTask, LoadedHead> heads = retainHeads(registry, request);
        CompletableFuture<AnalysisResult> answer = new CompletableFuture<>();
        answer.whenComplete((result, failure) -> heads.values().forEach(registry::release));
        try {
            preprocessing.execute(() -> prepareAndSubmit(registry, request, heads, answer));
        } catch (RejectedExecutionException full) {
            answer.completeExceptionally(ServingException.queueFull("preprocessing queue full", inferenceConfig.retryAfter()));
        }
        return answer;
    }

    private void validate(AnalysisRequest request) {
        if (request.tasks().isEmpty()) {
            throw ServingException.invalidArgument("no task requested");
        }
        if (request.maxFaces() < 0) {
            throw ServingException.invalidArgument("max_faces must be >= 0 (0: server default), got " + request.maxFaces());
        }
        if (request.image() == null || request.image().length == 0) {
            throw ServingException.invalidArgument("invalid image: EMPTY: no image bytes");
        }
        if (request.image().length > inputConfig.maxImageBytes()) {
            throw ServingException.tooLarge("image is " + request.image().length + " bytes, limit "
                    + inputConfig.maxImageBytes());
        }
    }

    /** Resolves every head now so that an unknown head is refused before any work; NOT_FOUND / INVALID_ARGUMENT. */
    private static Map<FaceTask, LoadedHead> retainHeads(ModelRegistry registry, AnalysisRequest request) {
        Map<FaceTask, HeadSelector> chosen = new EnumMap<>(FaceTask.class);
        for (HeadSelector selector : request.heads()) {
            FaceTask task = headTask(registry, selector);
            if (!request.tasks().contains(task)) {
                throw ServingException.invalidArgument("head " + selector + " answers " + task.label()
                        + ", which this request does not ask for");
            }
            if (chosen.put(task, selector) != null) {
                throw ServingException.invalidArgument("two heads given for " + task.label());
            }
        }
        Map<FaceTask, LoadedHead> heads = new EnumMap<>(FaceTask.class);
        try {
            for (FaceTask task : request.tasks()) {
                if (task != FaceTask.EMBEDDING) {
                    heads.put(task, registry.retain(task, chosen.get(task)));
                }
            }
        } catch (RuntimeException failure) {
            heads.values().forEach(registry::release);
            throw failure;
        }
        return heads;
    }

    private static FaceTask headTask(ModelRegistry registry, HeadSelector selector) {
        return registry.heads().stream().filter(head -> head.name().equals(selector.name())).findFirst()
                .map(LoadedHead::task)
                .orElseThrow(() -> ServingException.notFound("unknown head '" + selector + "'; loaded: "
                        + registry.heads().stream().map(LoadedHead::key).toList()));
    }

    private void prepareAndSubmit(ModelRegistry registry, AnalysisRequest request, Map<FaceTask, LoadedHead> heads,
            CompletableFuture<AnalysisResult> answer) {
        try {
            if (answer.isDone()) {
                return;
            }
            if (System.nanoTime() - request.deadlineNanos() >= 0) {
                throw ServingException.deadlineExceeded("deadline exceeded before the image was decoded");
            }
            BufferedImage image = decoder.decode(request.image());
            int maxFaces = request.maxFaces() > 0 ? request.maxFaces() : inputConfig.defaultMaxFaces();
            List<FaceBox> boxes = request.box().map(List::of).orElseGet(() -> faceFinder.find(image, maxFaces));
            FacePreprocessor preprocessor = new FacePreprocessor(registry.preprocessing(), decoder);
            List<PreparedFace> faces = new ArrayList<>(boxes.size());
            for (FaceBox box : boxes) {
                faces.add(prepare(preprocessor, image, box));
            }
            submitAll(request, heads, image, boxes, faces, registry.modelVersion(), answer);
        } catch (RuntimeException failure) {
            answer.completeExceptionally(failure);
        }
    }

    private static PreparedFace prepare(FacePreprocessor preprocessor, BufferedImage image, FaceBox box) {
        try {
            return preprocessor.prepare(image, box);
        } catch (IllegalArgumentException outside) {
            throw ServingException.invalidArgument(outside.getMessage());
        }
    }

    private void submitAll(AnalysisRequest request, Map<FaceTask, LoadedHead> heads, BufferedImage image,
            List<FaceBox> boxes, List<PreparedFace> faces, String modelVersion, CompletableFuture<AnalysisResult> answer) {
        List<CompletableFuture<FaceOutputs>> pending = new ArrayList<>(faces.size());
        Set<FaceTask> tasks = Set.copyOf(request.tasks());
        for (PreparedFace face : faces) {
            pending.add(engine.submit(new FaceInput(face.pixels(), tasks, heads), request.deadlineNanos()));
        }
        // the caller gave up (cancelled, deadline, another face failed): faces still queued are dropped uncomputed
        answer.whenComplete((result, failure) -> pending.forEach(face -> face.cancel(false)));
        pending.forEach(face -> face.whenComplete((outputs, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            }
        }));
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenRun(() -> {
            List<FaceResult> results = new ArrayList<>(faces.size());
            for (int index = 0; index < faces.size(); index++) {
                results.add(toImageCoordinates(boxes.get(index), faces.get(index), pending.get(index).join()));
            }
            answer.complete(new AnalysisResult(results, modelVersion, image.getWidth(), image.getHeight()));
        });
    }

    /** Landmarks come out in [0,1] of the model input square; clients want pixels of the image they sent. */
    private static FaceResult toImageCoordinates(FaceBox box, PreparedFace face, FaceOutputs outputs) {
        Map<FaceTask, TaskOutput> mapped = new EnumMap<>(FaceTask.class);
        outputs.outputs().forEach((task, output) -> mapped.put(task, task == FaceTask.LANDMARKS
                ? new TaskOutput(output.head(), output.labels(), face.crop().normalizedToImage(output.values()))
                : output));
        return new FaceResult(box, mapped);
    }
}
