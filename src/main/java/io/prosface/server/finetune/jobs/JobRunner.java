package io.prosface.server.finetune.jobs;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.HeadArtifact;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.VisionTransformer;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.heads.ArtifactZip;
import io.prosface.server.finetune.heads.HeadCatalog;
import io.prosface.server.finetune.heads.HeadRecord;
import io.prosface.server.finetune.heads.HeadStore;
import io.prosface.server.finetune.store.Database;
import io.prosface.server.finetune.upload.Example;
import io.prosface.server.finetune.upload.TaskSpec;
import io.prosface.server.inference.analysis.DetectedFace;
import io.prosface.server.inference.analysis.FaceFinder;
import io.prosface.server.inference.analysis.ImageDecoding;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Runs one claimed job on this replica: loads its examples, trains with {@link JobTrainer}, writes progress and
 * heartbeats, and publishes the head ({@link HeadStore}) so that {@link HeadCatalog} serves it at once. A job ends
 * SUCCEEDED (head published in the same transaction), FAILED (with a reason), CANCELLED, or, when the replica shuts
 * down, back in QUEUED for any replica to run again.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    /** Progress is written at most this often (plus at every round's end); the heartbeat at least this often. */
    private static final long PROGRESS_NANOS = 250_000_000L;

    private static final long HEARTBEAT_NANOS = 5_000_000_000L;
    private static final long CANCEL_POLL_NANOS = 300_000_000L;

    private final JobStore jobs;
    private final HeadStore heads;
    private final HeadCatalog catalog;
    private final InferenceEngine engine;
    private final FaceFinder faceFinder;
    private final InferencePriority priority;
    private final FineTuneConfig config;
    private final io.prosface.server.inference.OutOfMemoryWatch outOfMemory;
    private final ImageDecoding decoding;

    @Inject
    JobRunner(
            JobStore jobs,
            HeadStore heads,
            HeadCatalog catalog,
            InferenceEngine engine,
            FaceFinder faceFinder,
            InferencePriority priority,
            FineTuneConfig config,
            io.prosface.server.inference.OutOfMemoryWatch outOfMemory,
            ImageDecoding decoding) {
        this.jobs = jobs;
        this.heads = heads;
        this.catalog = catalog;
        this.engine = engine;
        this.faceFinder = faceFinder;
        this.priority = priority;
        this.config = config;
        this.outOfMemory = outOfMemory;
        this.decoding = decoding;
    }

    /**
     * @param stop set to a cause by the executor to stop the job at its next checkpoint
     */
    void run(String jobId, AtomicReference<JobInterruptedException.Cause> stop) {
        JobRecord job = jobs.find(jobId).orElseThrow();
        long begin = System.nanoTime();
        io.prosface.core.train.GradientRecording.pauseOnThisThread();
        try {
            ModelRegistry registry = engine.readyRegistry();
            TaskSpec spec = job.spec();
            DatasetCodec.Stored input = DatasetCodec.decode(jobs.input(jobId));
            List<Example> examples = input.examples();
            ProgressWriter progress = new ProgressWriter(jobId, spec.options().epochs(), stop);
            ImageDecoder decoder = decoding.decoder(
                    config.upload().maxImageBytes(), config.upload().maxImagePixels());
            FacePreprocessor preprocessor = new FacePreprocessor(registry.preprocessing(), decoder);
            VisionTransformer backbone = registry.backbone();
            try (NDManager manager = NDManager.newBaseManager(engine.device())) {
                JobTrainer trainer = new JobTrainer(
                        backbone,
                        preprocessor,
                        bytes -> decode(decoder, bytes, progress),
                        this::largestFace,
                        config.featureChunkSize());
                DataSplit split = DataSplit.forStored(
                        input,
                        spec.kind(),
                        spec.options().validationSplit(),
                        spec.options().seed());
                JobTrainer.Result result = trainer.train(spec, examples, split, manager, progress);
                progress.checkpoint();
                int version = publish(job, registry, backbone, result);
                LOG.infof(
                        "job %s: head %s@v%d published in %d ms (%s; validation %s)",
                        jobId,
                        spec.headName(),
                        version,
                        (System.nanoTime() - begin) / 1_000_000,
                        result.timing(),
                        result.validation());
            }
            catalog.refresh();
        } catch (JobInterruptedException interrupted) {
            if (interrupted.reason() == JobInterruptedException.Cause.SHUTDOWN) {
                jobs.requeue(jobId);
                LOG.infof("job %s: back in the queue (replica shutting down)", jobId);
            } else {
                String reason = jobs.find(jobId)
                        .map(JobRecord::errorMessage)
                        .filter(m -> m != null)
                        .orElse("cancelled");
                jobs.end(jobId, JobState.CANCELLED, reason);
                LOG.infof("job %s: %s", jobId, reason);
            }
        } catch (RuntimeException | java.io.IOException failure) {
            LOG.errorf(failure, "job %s failed", jobId);
            jobs.end(jobId, JobState.FAILED, "training failed: " + failure.getMessage());
        } catch (OutOfMemoryError outOfMemoryError) {
            // the job's caches are garbage now; the health checks decide whether this JVM should still serve
            LOG.errorf(outOfMemoryError, "job %s ran out of memory", jobId);
            outOfMemory.record("while training a fine-tuning job", outOfMemoryError);
            jobs.end(
                    jobId,
                    JobState.FAILED,
                    "training failed: the server ran out of memory (fewer images, fewer "
                            + "augmented_views or unfrozen_blocks 0 need less)");
        }
    }

    private int publish(JobRecord job, ModelRegistry registry, VisionTransformer backbone, JobTrainer.Result result)
            throws java.io.IOException {
        TaskSpec spec = job.spec();
        // another job may have published this name with another kind since this one was accepted
        heads.published().stream()
                .filter(head -> head.name().equals(spec.headName()) && head.kind() != spec.kind())
                .findFirst()
                .ifPresent(head -> {
                    throw new IllegalStateException("head " + spec.headName() + " is now a "
                            + head.kind().name().toLowerCase(java.util.Locale.ROOT) + " head (" + head.key() + ")");
                });
        Database.StoreException last = null;
        // a version number may be taken by another replica between reading and inserting it: take the next one
        for (int attempt = 0; attempt < 5; attempt++) {
            int version = heads.nextVersion(spec.headName());
            Path directory = Files.createTempDirectory("pros-publish-").resolve("head");
            try {
                HeadArtifact.save(
                        directory,
                        new HeadConfig(spec.headName(), version, spec.kind(), spec.labels()),
                        result.head(),
                        result.tail(),
                        backbone.config(),
                        registry.backboneSha256());
                byte[] artifact = ArtifactZip.pack(directory);
                heads.stage(
                        new HeadRecord(
                                spec.headName(),
                                version,
                                spec.kind(),
                                spec.labels(),
                                HeadCatalog.backboneId(registry),
                                job.id(),
                                result.validation(),
                                false,
                                Instant.now()),
                        artifact);
                if (!heads.publish(
                        spec.headName(),
                        version,
                        spec.options().promote(),
                        connection -> jobs.end(connection, job.id(), JobState.SUCCEEDED, null, version))) {
                    throw new JobInterruptedException(JobInterruptedException.Cause.CANCELLED);
                }
                return version;
            } catch (Database.StoreException taken) {
                last = taken;
            } finally {
                ArtifactZip.deleteTree(directory.getParent());
            }
        }
        throw last;
    }

    /**
     * Decodes as serving does, within the replica's decode budget. A job has no deadline: while the budget is in use
     * by requests (which come first) it waits, checking for cancellation between tries.
     */
    private ImageDecoding.Decoded decode(ImageDecoder decoder, byte[] bytes, ProgressWriter progress) {
        while (true) {
            try {
                return decoding.decode(
                        decoder,
                        bytes,
                        decoding.decodeWaitNanos(),
                        System.nanoTime() + java.time.Duration.ofDays(1).toNanos());
            } catch (ServingException busy) {
                if (busy.code() != ErrorCode.RESOURCE_EXHAUSTED) {
                    throw busy;
                }
                progress.checkpoint();
            }
        }
    }

    /**
     * The face serving would answer for, framed as serving frames it: the detector's largest face's crop box, or null
     * (the whole image is used).
     */
    private FaceBox largestFace(BufferedImage image) {
        List<DetectedFace> faces = faceFinder.find(image, 1);
        return faces.isEmpty() ? null : faces.get(0).cropBox();
    }

    /** Throttled progress and heartbeats, cancellation checks and yielding to inference. */
    private final class ProgressWriter implements JobTrainer.Listener {
        private final String jobId;
        private final int totalEpochs;
        private final AtomicReference<JobInterruptedException.Cause> stop;
        private long lastWrite = System.nanoTime();
        private long lastCancelPoll = System.nanoTime();

        ProgressWriter(String jobId, int totalEpochs, AtomicReference<JobInterruptedException.Cause> stop) {
            this.jobId = jobId;
            this.totalEpochs = totalEpochs;
            this.stop = stop;
        }

        @Override
        public void checkpoint() {
            long now = System.nanoTime();
            if (stop.get() == null && now - lastCancelPoll > CANCEL_POLL_NANOS) {
                lastCancelPoll = now;
                if (jobs.cancelRequested(jobId)) {
                    stop.compareAndSet(null, JobInterruptedException.Cause.CANCELLED);
                }
            }
            if (stop.get() != null) {
                throw new JobInterruptedException(stop.get());
            }
            if (now - lastWrite > HEARTBEAT_NANOS) {
                jobs.heartbeat(jobId);
                lastWrite = now;
            }
            priority.yieldToInference();
        }

        @Override
        public void features(int done, int total) {
            long now = System.nanoTime();
            if (now - lastWrite > PROGRESS_NANOS) {
                jobs.heartbeat(jobId);
                lastWrite = now;
            }
        }

        @Override
        public void epochs(
                int epoch,
                int total,
                long step,
                long totalSteps,
                Map<String, Double> train,
                Map<String, Double> validation) {
            jobs.progress(jobId, epoch, totalEpochs, step, totalSteps, train, validation);
            lastWrite = System.nanoTime();
        }
    }
}
