package io.prosface.server.finetune;

import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.HeadKind;
import io.prosface.server.auth.ApiKeys;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.heads.HeadCatalog;
import io.prosface.server.finetune.heads.HeadRecord;
import io.prosface.server.finetune.heads.HeadStore;
import io.prosface.server.finetune.heads.HeadView;
import io.prosface.server.finetune.jobs.DataSplit;
import io.prosface.server.finetune.jobs.DatasetCodec;
import io.prosface.server.finetune.jobs.EpochMetrics;
import io.prosface.server.finetune.jobs.JobExecutor;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.jobs.JobState;
import io.prosface.server.finetune.jobs.JobStore;
import io.prosface.server.finetune.upload.FormOptions;
import io.prosface.server.finetune.upload.SpecForm;
import io.prosface.server.finetune.upload.TaskSpec;
import io.prosface.server.finetune.upload.TrainingSet;
import io.prosface.server.finetune.upload.UploadBudget;
import io.prosface.server.finetune.upload.UploadLimits;
import io.prosface.server.finetune.upload.UploadValidator;
import io.prosface.server.finetune.upload.UploadedFile;
import io.prosface.server.inference.analysis.ImageDecoding;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Fine-tuning as the HTTP and gRPC adapters see it: accept an upload as a QUEUED job, read and cancel jobs, list,
 * promote and delete heads. Callers are already authenticated ({@link ApiKeys}); every method may block (database).
 */
@ApplicationScoped
public class FineTuneService {

    private final FineTuneConfig config;
    private final InferenceConfig inferenceConfig;
    private final JobStore jobs;
    private final HeadStore heads;
    private final HeadCatalog catalog;
    private final JobExecutor executor;
    private final InferenceEngine engine;
    private final ImageDecoding decoding;

    /** An upload's decodes have no deadline of their own: they wait {@code decode-wait}, then get 429. */
    private static final long NO_DEADLINE_NANOS = java.time.Duration.ofDays(1).toNanos();

    private UploadBudget uploadBudget;

    @Inject
    FineTuneService(
            FineTuneConfig config,
            InferenceConfig inferenceConfig,
            JobStore jobs,
            HeadStore heads,
            HeadCatalog catalog,
            JobExecutor executor,
            InferenceEngine engine,
            ImageDecoding decoding) {
        this.config = config;
        this.inferenceConfig = inferenceConfig;
        this.jobs = jobs;
        this.heads = heads;
        this.catalog = catalog;
        this.executor = executor;
        this.engine = engine;
        this.decoding = decoding;
    }

    @jakarta.annotation.PostConstruct
    void createUploadBudget() {
        uploadBudget = new UploadBudget(config.upload().maxInFlightBytes(), inferenceConfig.retryAfter());
    }

    /**
     * A share of the heap all uploads in flight hold together ({@code upload.max-in-flight-bytes}): the caller charges
     * it before it reads a part, passes it to {@link #submit}, and closes it when the upload is stored or refused.
     */
    public UploadBudget.Lease uploadLease() {
        return uploadBudget.lease();
    }

    /** Bytes the uploads in flight hold now (0 when none is being received). */
    public long uploadBytesInFlight() {
        return uploadBudget.held();
    }

    /**
     * Validates an upload completely, then stores it as one QUEUED job (one transaction). A refused upload stores
     * nothing. {@code lease} ({@link #uploadLease}) is charged for every byte inflated from the archives.
     */
    public JobRecord submit(
            Map<String, String> form,
            List<UploadedFile> archives,
            List<UploadedFile> images,
            UploadedFile manifest,
            UploadBudget.Lease lease) {
        ModelRegistry registry = engine.readyRegistry();
        TaskSpec declared = SpecForm.parse(form, formOptions(registry));
        if (catalog.builtInNames().contains(declared.headName())) {
            throw ServingException.invalidArgument(
                    "head_name '" + declared.headName() + "' belongs to a built-in head; choose another name");
        }
        heads.published().stream()
                .filter(head -> head.name().equals(declared.headName()) && head.kind() != declared.kind())
                .findFirst()
                .ifPresent(head -> {
                    throw ServingException.invalidArgument("head '" + head.name() + "' is a "
                            + head.kind().name().toLowerCase(java.util.Locale.ROOT) + " head; a job can only add "
                            + "versions of the same kind");
                });
        if (jobs.countQueued() >= config.maxQueuedJobs()) {
            throw ServingException.queueFull(
                    "fine-tuning queue full (" + config.maxQueuedJobs() + " jobs waiting)",
                    inferenceConfig.retryAfter().multipliedBy(10));
        }
        // every image is decoded as serving decodes it, within the replica's decode budget (429 when it stays full)
        ImageDecoder decoder = decoding.decoder(
                config.upload().maxImageBytes(), config.upload().maxImagePixels());
        // decoded in full (a corrupt image is refused here, not when its job runs), then the pixels are dropped
        UploadValidator.ImageCheck check = bytes -> decoding.decode(
                        decoder, bytes, decoding.decodeWaitNanos(), System.nanoTime() + NO_DEADLINE_NANOS)
                .close();
        TrainingSet set = new UploadValidator(UploadLimits.of(config.upload()), lease, check)
                .validate(declared, archives, images, manifest);
        TaskSpec spec = set.spec();
        DataSplit split = DataSplit.of(
                set.examples(),
                spec.kind(),
                spec.options().validationSplit(),
                spec.options().seed());
        checkTokenCache(spec, split, registry);
        JobRecord job = new JobRecord(
                UUID.randomUUID().toString(),
                JobState.QUEUED,
                spec,
                HeadCatalog.backboneId(registry),
                null,
                0,
                spec.options().epochs(),
                0,
                0,
                Map.of(),
                Map.of(),
                split.train().size(),
                split.validation().size(),
                null,
                false,
                null,
                0,
                Instant.now(),
                null,
                null);
        // stored in split order with the split's counts: the job reads this split back instead of splitting again
        jobs.insert(job, DatasetCodec.encode(set.examples(), split));
        executor.wake();
        return job;
    }

    /**
     * Jobs that cache every token of every view (a trained tail, or a landmark head) need views × (1 + N) × D floats
     * of heap; refuse an upload that would exceed {@code max-token-cache-bytes} instead of failing the job later.
     */
    private void checkTokenCache(TaskSpec spec, DataSplit split, ModelRegistry registry) {
        boolean allTokens =
                spec.options().unfrozenBlocks() > 0 || spec.kind() == io.prosface.core.model.HeadKind.LANDMARKS;
        if (!allTokens) {
            return;
        }
        var architecture = registry.architecture();
        long views = (long) split.train().size() * (1 + spec.options().augmentedViews())
                + split.validation().size();
        long bytes = views * (1 + architecture.numPatches()) * architecture.embedDim() * Float.BYTES;
        if (bytes > config.maxTokenCacheBytes()) {
            throw ServingException.invalidArgument(String.format(
                    java.util.Locale.ROOT,
                    "this job would cache %d views x %d tokens x %d floats = %d MiB (limit %d MiB, "
                            + "pros.finetune.max-token-cache-bytes): upload fewer images, lower augmented_views, or "
                            + "use unfrozen_blocks=0",
                    views,
                    1 + architecture.numPatches(),
                    architecture.embedDim(),
                    bytes >> 20,
                    config.maxTokenCacheBytes() >> 20));
        }
    }

    /**
     * The optional training fields of an upload, their defaults and ranges (unfrozen_blocks: up to the served depth).
     */
    public FormOptions formOptions() {
        return formOptions(engine.readyRegistry());
    }

    private FormOptions formOptions(ModelRegistry registry) {
        return new FormOptions(
                config.defaults(),
                registry.architecture().depth(),
                registry.architecture().name());
    }

    /** Every history row of a job, by epoch (none while it is queued); NOT_FOUND for an unknown id. */
    public List<EpochMetrics> metrics(String id) {
        return jobs.history(id).orElseThrow(() -> ServingException.notFound("no job with id '" + id + "'"));
    }

    public JobRecord job(String id) {
        return jobs.find(id).orElseThrow(() -> ServingException.notFound("no job with id '" + id + "'"));
    }

    public Page<JobRecord> jobs(int pageSize, String pageToken, Set<JobState> states, String headName) {
        int size = PageTokens.pageSize(pageSize, 20, 100);
        String filters =
                new TreeSet<>(states.stream().map(Enum::name).toList()) + "|" + (headName == null ? "" : headName);
        String afterId = PageTokens.decode(pageToken, filters);
        JobRecord after = afterId == null
                ? null
                : jobs.find(afterId)
                        .orElseThrow(() -> ServingException.invalidArgument("page token refers to an unknown job"));
        List<JobRecord> page = jobs.page(size + 1, after, states, headName);
        boolean more = page.size() > size;
        List<JobRecord> items = more ? page.subList(0, size) : page;
        return new Page<>(
                List.copyOf(items),
                more ? PageTokens.encode(items.get(items.size() - 1).id(), filters) : "");
    }

    /**
     * Cancels a QUEUED job at once, a RUNNING one at its next checkpoint. NOT_FOUND, FAILED_PRECONDITION for
     * SUCCEEDED or FAILED jobs; a CANCELLED job is left as it is.
     */
    public JobRecord cancel(String id, ApiKeys.Caller caller) {
        JobRecord job = job(id);
        if (job.state() == JobState.SUCCEEDED || job.state() == JobState.FAILED) {
            throw new ServingException(
                    ErrorCode.FAILED_PRECONDITION,
                    "job " + id + " already " + job.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (job.state() != JobState.CANCELLED) {
            jobs.requestCancel(id, "cancelled by " + caller.keyName());
            executor.interrupt(id);
        }
        return job(id);
    }

    /** Built-in and stored heads, by name, then newest version first. */
    public Page<HeadView> heads(int pageSize, String pageToken, String name, Set<HeadKind> kinds) {
        int size = PageTokens.pageSize(pageSize, 50, 200);
        String filters = (name == null ? "" : name) + "|" + (kinds == null ? "" : new TreeSet<>(kinds));
        String position = PageTokens.decode(pageToken, filters);
        int offset;
        try {
            offset = position == null ? 0 : Integer.parseInt(position);
        } catch (NumberFormatException garbled) {
            throw ServingException.invalidArgument("malformed page token");
        }
        List<HeadView> all = allHeads().stream()
                .filter(head -> name == null || name.isEmpty() || head.name().equals(name))
                .filter(head -> kinds == null || kinds.contains(head.kind()))
                .toList();
        List<HeadView> items = all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()));
        boolean more = offset + size < all.size();
        return new Page<>(List.copyOf(items), more ? PageTokens.encode(Integer.toString(offset + size), filters) : "");
    }

    /** Makes a stored version current (built-in heads are always current). */
    public HeadView promote(String name, int version) {
        HeadView head = find(name, version);
        if (!head.builtIn()) {
            ModelRegistry registry = engine.readyRegistry();
            if (!head.backbone().equals(HeadCatalog.backboneId(registry))) {
                throw new ServingException(
                        ErrorCode.FAILED_PRECONDITION,
                        "head " + head.key() + " was trained on another backbone than the one being served");
            }
            heads.promote(name, version);
            catalog.refresh();
        }
        return find(name, version);
    }

    /** Deletes a stored version; built-in heads cannot be deleted. */
    public void delete(String name, int version) {
        HeadView head = find(name, version);
        if (head.builtIn()) {
            throw new ServingException(ErrorCode.FAILED_PRECONDITION, "head " + head.key() + " is built in");
        }
        heads.delete(name, version);
        catalog.refresh();
    }

    private HeadView find(String name, int version) {
        return allHeads().stream()
                .filter(head -> head.name().equals(name) && head.version() == version)
                .findFirst()
                .orElseThrow(() -> ServingException.notFound("no head " + name + "@v" + version));
    }

    private List<HeadView> allHeads() {
        List<HeadView> all = new ArrayList<>();
        ModelRegistry registry = engine.registry();
        Set<String> stored = catalog.loadedKeys();
        if (registry != null) {
            for (LoadedHead head : registry.allVersions()) {
                if (!stored.contains(head.key())) {
                    all.add(new HeadView(
                            head.name(),
                            head.version(),
                            head.kind(),
                            head.labels(),
                            HeadCatalog.backboneId(registry),
                            true,
                            true,
                            true,
                            "",
                            Map.of(),
                            null));
                }
            }
        }
        for (HeadRecord head : heads.published()) {
            all.add(new HeadView(
                    head.name(),
                    head.version(),
                    head.kind(),
                    head.labels(),
                    head.backbone(),
                    head.current(),
                    false,
                    stored.contains(head.key()),
                    head.jobId() == null ? "" : head.jobId(),
                    head.validationMetrics(),
                    head.createdAt()));
        }
        all.sort(Comparator.comparing(HeadView::name).thenComparing(HeadView::version, Comparator.reverseOrder()));
        return all;
    }
}
