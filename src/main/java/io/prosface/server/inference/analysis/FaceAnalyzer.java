package io.prosface.server.inference.analysis;

import io.prosface.core.data.DecodedImage;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.PreparedFace;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.config.InputConfig;
import io.prosface.server.error.ServingException;
import io.prosface.server.inference.OutOfMemoryWatch;
import io.prosface.server.inference.batching.Batched;
import io.prosface.server.inference.engine.FaceInput;
import io.prosface.server.inference.engine.FaceOutputs;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadId;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
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
import org.jboss.logging.Logger;

/**
 * The service both APIs adapt: image bytes -> decode (size and header guards) -> faces (the client's box, or the
 * detector's, largest first) -> one crop per face into the batcher -> answers with landmarks mapped back to the
 * input image's pixels.
 *
 * <p>"The input image" is the upright one: the EXIF orientation is applied, and a large image is decoded subsampled
 * ({@code pros.input.max-decoded-bytes}) with every answer scaled back to its full-size pixels. Decoding waits for
 * room in a shared budget of decoded-image memory ({@code pros.input.decode-memory-budget}).
 *
 * <p>Only validation runs on the caller's thread (an event loop): decoding and detection run on a bounded pool of
 * preprocessing threads, the model on the batcher's workers, and the caller gets a future. Heads are resolved when
 * the request is admitted (unknown head: NOT_FOUND at once) and held until it is answered, so a head swapped in the
 * meantime does not change the answer and is freed only afterwards.
 */
@ApplicationScoped
public class FaceAnalyzer {

    private static final Logger LOG = Logger.getLogger(FaceAnalyzer.class);

    private final InferenceEngine engine;
    private final InferenceConfig inferenceConfig;
    private final InputConfig inputConfig;
    private final FaceFinder faceFinder;
    private final OutOfMemoryWatch outOfMemory;
    private final ImageDecoding decoding;

    private ImageDecoder decoder;
    private ThreadPoolExecutor preprocessing;

    @Inject
    FaceAnalyzer(
            InferenceEngine engine,
            InferenceConfig inferenceConfig,
            InputConfig inputConfig,
            FaceFinder faceFinder,
            OutOfMemoryWatch outOfMemory,
            ImageDecoding decoding) {
        this.engine = engine;
        this.inferenceConfig = inferenceConfig;
        this.inputConfig = inputConfig;
        this.faceFinder = faceFinder;
        this.outOfMemory = outOfMemory;
        this.decoding = decoding;
    }

    @PostConstruct
    void start() {
        decoder = decoding.decoder(inputConfig.maxImageBytes(), inputConfig.maxPixels());
        int threads = inferenceConfig.preprocessThreads() > 0
                ? inferenceConfig.preprocessThreads()
                : Runtime.getRuntime().availableProcessors();
        AtomicInteger counter = new AtomicInteger();
        // bounded like the batcher's queue: when it is full, refuse instead of piling up decoded images
        preprocessing = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(inferenceConfig.maxQueueSize()),
                runnable -> {
                    Thread thread = new Thread(runnable, "pros-preprocess-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @PreDestroy
    void stop() {
        preprocessing.shutdown();
    }

    /**
     * The decoder (limits and decode-memory plan) the analysis turns image bytes into pixels with: decoding the same
     * bytes with it through {@link ImageDecoding} gives the same upright pixels the answer's coordinates refer to.
     */
    public ImageDecoder decoder() {
        return decoder;
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
            return admit(request, System.nanoTime());
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    private CompletableFuture<AnalysisResult> admit(AnalysisRequest asked, long started) {
        ModelRegistry registry = engine.readyRegistry();
        // default tasks the served model cannot answer (age without an age head) are left out, not refused, unless
        // the client chose a head for them
        AnalysisRequest request = asked.withoutUnserved(
                task -> registry.hasHeadFor(task) || asked.heads().stream().anyMatch(choice -> choice.task() == task));
        validate(request);
        Map<FaceTask, LoadedHead> heads = HeadResolution.retain(registry, request);
        LoadedHead reframer = reframingHead(registry, request);
        CompletableFuture<AnalysisResult> answer = new CompletableFuture<>();
        engine.requestStarted();
        answer.whenComplete((result, failure) -> {
            engine.requestFinished();
            heads.values().forEach(registry::release);
            if (reframer != null) {
                registry.release(reframer);
            }
        });
        try {
            preprocessing.execute(() -> prepareAndSubmit(registry, request, heads, reframer, answer, started));
        } catch (RejectedExecutionException full) {
            answer.completeExceptionally(ServingException.queueFull(
                    "preprocessing queue full (" + inferenceConfig.maxQueueSize() + " waiting)",
                    inferenceConfig.retryAfter()));
        }
        return answer;
    }

    private void validate(AnalysisRequest request) {
        if (request.tasks().isEmpty()) {
            throw ServingException.invalidArgument("no task requested");
        }
        if (request.maxFaces() < 0 || request.maxFaces() > inputConfig.maxFacesLimit()) {
            throw ServingException.invalidArgument("max_faces must be in [0, " + inputConfig.maxFacesLimit()
                    + "] (0: server default " + inputConfig.defaultMaxFaces() + "), got " + request.maxFaces());
        }
        if (request.image() == null || request.image().length == 0) {
            throw ServingException.invalidArgument("invalid image: EMPTY: no image bytes");
        }
        if (request.image().length > inputConfig.maxImageBytes()) {
            throw ServingException.tooLarge(
                    "image is " + request.image().length + " bytes, limit " + inputConfig.maxImageBytes());
        }
    }

    /** The default 68-point landmark head, retained, when the faces of this request are to be re-framed. */
    private LoadedHead reframingHead(ModelRegistry registry, AnalysisRequest request) {
        if (!inferenceConfig.reframeFaces() || !registry.hasHeadFor(FaceTask.LANDMARKS)) {
            return null;
        }
        LoadedHead head = registry.retain(FaceTask.LANDMARKS, null);
        if (head.labels().size() != 68) {
            registry.release(head);
            return null;
        }
        return head;
    }

    private void prepareAndSubmit(
            ModelRegistry registry,
            AnalysisRequest request,
            Map<FaceTask, LoadedHead> heads,
            LoadedHead reframer,
            CompletableFuture<AnalysisResult> answer,
            long started) {
        try {
            if (answer.isDone()) {
                return;
            }
            if (System.nanoTime() - request.deadlineNanos() >= 0) {
                throw ServingException.deadlineExceeded("deadline exceeded before the image was decoded");
            }
            long decodeStart = System.nanoTime();
            ImageDecoding.Decoded held =
                    decoding.decode(decoder, request.image(), decoding.decodeWaitNanos(), request.deadlineNanos());
            // held until the answer: the decoded image lives until the last crop (the re-framing cut) is made
            answer.whenComplete((result, failure) -> held.close());
            DecodedImage decoded = held.image();
            BufferedImage image = decoded.pixels();
            long detectStart = System.nanoTime();
            List<Candidate> candidates = candidates(request, decoded);
            long detectEnd = System.nanoTime();
            FacePreprocessor preprocessor = new FacePreprocessor(registry.preprocessing(), decoder);
            List<PreparedFace> faces = new ArrayList<>(candidates.size());
            for (Candidate candidate : candidates) {
                faces.add(preprocessor.prepare(image, candidate.cropBox()));
            }
            Map<FaceTask, HeadId> headIds = new EnumMap<>(FaceTask.class);
            heads.forEach((task, head) -> headIds.put(task, new HeadId(head.name(), head.version())));
            ResultShape shape = new ResultShape(
                    registry.modelVersion(),
                    headIds,
                    decoded,
                    decoded.format(),
                    detectStart - decodeStart,
                    request.box().isPresent() ? 0 : detectEnd - detectStart,
                    started);
            if (reframer == null || faces.isEmpty()) {
                submitAll(request, heads, candidates, faces, shape, answer);
                return;
            }
            List<CompletableFuture<Batched<FaceOutputs>>> firstPass = new ArrayList<>();
            answer.whenComplete((result, failure) -> firstPass.forEach(face -> face.cancel(false)));
            // the re-cut runs on this pool, not on the model worker that completes the first pass
            LandmarkReframing.firstPass(engine, reframer, faces, request.deadlineNanos(), firstPass)
                    .whenCompleteAsync(
                            (points, failure) -> {
                                try {
                                    if (failure != null) {
                                        answer.completeExceptionally(
                                                failure instanceof java.util.concurrent.CompletionException
                                                                && failure.getCause() != null
                                                        ? failure.getCause()
                                                        : failure);
                                        return;
                                    }
                                    List<PreparedFace> reframed = LandmarkReframing.recut(
                                            faces, points, box -> preprocessor.prepare(image, box));
                                    submitAll(request, heads, candidates, reframed, shape, answer);
                                } catch (RuntimeException | Error broken) {
                                    fail(answer, broken);
                                }
                            },
                            preprocessing)
                    .exceptionally(rejected -> {
                        answer.completeExceptionally(ServingException.queueFull(
                                "preprocessing queue full (" + inferenceConfig.maxQueueSize() + " waiting)",
                                inferenceConfig.retryAfter()));
                        return null;
                    });
        } catch (RuntimeException | Error failure) {
            fail(answer, failure);
        }
    }

    /**
     * Every failure answers the request: an Error that escaped a preprocessing thread would leave the client waiting
     * forever. Running out of memory is 503 (another replica, or a later retry, may have room); other Errors are bugs
     * (500 with a reference id, via the ErrorMapper).
     */
    private void fail(CompletableFuture<AnalysisResult> answer, Throwable failure) {
        if (failure instanceof OutOfMemoryError outOfMemoryError) {
            failOutOfMemory(answer, outOfMemoryError, "while preparing an image");
        } else {
            answer.completeExceptionally(failure);
        }
    }

    /** 503 for the request, and the health checks hear of it ({@link OutOfMemoryWatch}: readiness, liveness). */
    private void failOutOfMemory(CompletableFuture<AnalysisResult> answer, OutOfMemoryError error, String where) {
        LOG.error("out of memory " + where, error);
        outOfMemory.record(where, error);
        answer.completeExceptionally(ServingException.unavailable(
                "the server ran out of memory " + where.replace("while ", "") + "; retry later",
                inferenceConfig.retryAfter()));
    }

    /**
     * The client's box (checked against the upright image and clipped for the answer), or the detector's faces; crop
     * boxes are in the decoded pixels, reported boxes in the full-size upright image's.
     */
    private List<Candidate> candidates(AnalysisRequest request, DecodedImage image) {
        if (request.box().isPresent()) {
            FaceBox box = request.box().get();
            float left = Math.max(0, box.x());
            float top = Math.max(0, box.y());
            float right = Math.min(image.width(), box.x() + box.width());
            float bottom = Math.min(image.height(), box.y() + box.height());
            if (right <= left || bottom <= top) {
                throw ServingException.invalidArgument("face_box " + box.x() + "," + box.y() + " " + box.width() + "x"
                        + box.height() + " does not overlap the " + image.width() + "x" + image.height()
                        + " image (upright: EXIF orientation applied)");
            }
            // the part of the box inside the image is the face: a box drawn past the edge (e.g. 0,0,200,200 around a
            // 128x128 aligned crop) is cut as that part, not as a square centred outside the image
            FaceBox clipped = new FaceBox(left, top, right - left, bottom - top);
            return List.of(new Candidate(image.toDecoded(clipped), clipped, false, 0f));
        }
        int maxFaces = request.maxFaces() > 0 ? request.maxFaces() : inputConfig.defaultMaxFaces();
        return faceFinder.find(image.pixels(), maxFaces).stream()
                .map(face -> new Candidate(face.cropBox(), image.toFullSize(face.box()), true, face.score()))
                .toList();
    }

    private void submitAll(
            AnalysisRequest request,
            Map<FaceTask, LoadedHead> heads,
            List<Candidate> candidates,
            List<PreparedFace> faces,
            ResultShape shape,
            CompletableFuture<AnalysisResult> answer) {
        List<CompletableFuture<Batched<FaceOutputs>>> pending = new ArrayList<>(faces.size());
        Set<FaceTask> tasks = Set.copyOf(request.tasks());
        for (PreparedFace face : faces) {
            pending.add(engine.submit(new FaceInput(face.pixels(), tasks, heads), request.deadlineNanos()));
        }
        // the caller gave up (cancelled, deadline, another face failed): faces still queued are dropped uncomputed
        answer.whenComplete((result, failure) -> pending.forEach(face -> face.cancel(false)));
        pending.forEach(face -> face.whenComplete((outputs, failure) -> {
            if (failure != null) {
                Throwable cause =
                        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure;
                if (cause instanceof OutOfMemoryError outOfMemoryError) {
                    failOutOfMemory(answer, outOfMemoryError, "while running a batch");
                } else {
                    answer.completeExceptionally(failure);
                }
            }
        }));
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenRun(() -> answer.complete(shape.answer(
                        candidates,
                        faces,
                        pending.stream().map(CompletableFuture::join).toList())))
                .exceptionally(broken -> {
                    answer.completeExceptionally(broken); // a failure while assembling the answer must still answer
                    return null;
                });
    }
}
