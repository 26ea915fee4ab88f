package io.prosface.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.prosface.server.finetune.heads.HeadRefs;
import io.prosface.server.finetune.heads.HeadView;
import io.prosface.server.finetune.jobs.EpochMetrics;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.upload.FormOption;
import io.prosface.server.finetune.upload.TrainingOptions;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON shapes of the fine-tuning routes; they mirror the gRPC messages of {@code pros.v1.FineTuning} (same names in
 * camelCase), with enum values in lower case ("queued", "classification") and times as ISO-8601 strings.
 */
public final class FineTuneJson {

    private FineTuneJson() {}

    /** step / totalSteps is {@code fraction}; all zero while queued. */
    public record Progress(int epoch, int totalEpochs, long step, long totalSteps, double fraction) {}

    /**
     * @param url where to read the job
     * @param headVersion "v3" once succeeded
     * @param errorMessage why it failed, or who cancelled it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Job(
            String id,
            String url,
            String state,
            String headType,
            String headName,
            String headVersion,
            String backbone,
            List<String> labels,
            Progress progress,
            Map<String, Double> trainMetrics,
            Map<String, Double> validationMetrics,
            int trainExamples,
            int validationExamples,
            String errorMessage,
            Instant createTime,
            Instant startTime,
            Instant endTime,
            Options options) {}

    /** The job's hyper-parameters as accepted (defaults filled in); field names as in the upload form. */
    public record Options(
            int epochs,
            double learningRate,
            int batchSize,
            double validationSplit,
            int unfrozenBlocks,
            int augmentedViews,
            long seed,
            boolean promote,
            String crop) {

        static Options of(TrainingOptions options) {
            return new Options(
                    options.epochs(),
                    options.learningRate(),
                    options.batchSize(),
                    options.validationSplit(),
                    options.unfrozenBlocks(),
                    options.augmentedViews(),
                    options.seed(),
                    options.promote(),
                    options.detectFaces() ? "detect" : "none");
        }
    }

    public record JobPage(List<Job> jobs, String nextPageToken) {}

    /** A job's metric history, one row per epoch that reported progress, by epoch. */
    public record JobMetrics(String jobId, List<EpochMetrics> epochs) {}

    /**
     * What an upload form needs: the task kinds, the optional training fields (defaults and ranges as enforced) and
     * the upload's limits.
     */
    public record FormFields(List<String> kinds, List<FormOption> options, Limits limits) {}

    /**
     * Upload limits a form can check before sending: all parts together, images per job, one image (bytes and
     * width x height), fewest labelled examples, one plain-text form field.
     */
    public record Limits(
            long maxUploadBytes,
            int maxImages,
            long maxImageBytes,
            long maxImagePixels,
            int minExamples,
            int maxFieldBytes) {}

    /** A head version; {@code served} says whether this replica serves it now. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Head(
            String name,
            String version,
            String ref,
            String type,
            List<String> labels,
            int numPoints,
            String backbone,
            boolean current,
            boolean builtIn,
            boolean served,
            String jobId,
            Map<String, Double> validationMetrics,
            Instant createTime) {}

    /** One page of {@code GET /v1/finetune/heads} and the token of the next one (empty on the last page). */
    public record HeadPage(List<Head> heads, String nextPageToken) {}

    static Job job(JobRecord job) {
        return new Job(
                job.id(),
                "/v1/finetune/jobs/" + job.id(),
                job.state().name().toLowerCase(Locale.ROOT),
                job.spec().kindLabel(),
                job.spec().headName(),
                job.headVersion() == null ? null : "v" + job.headVersion(),
                job.backbone(),
                job.spec().labels(),
                new Progress(job.epoch(), job.totalEpochs(), job.step(), job.totalSteps(), job.fraction()),
                job.trainMetrics(),
                job.validationMetrics(),
                job.trainExamples(),
                job.validationExamples(),
                job.errorMessage(),
                job.createdAt(),
                job.startedAt(),
                job.endedAt(),
                Options.of(job.spec().options()));
    }

    static Head head(HeadView head) {
        boolean landmarks = head.kind() == io.prosface.core.model.HeadKind.LANDMARKS;
        return new Head(
                head.name(),
                "v" + head.version(),
                head.key(),
                HeadRefs.typeName(head.kind()),
                landmarks ? List.of() : head.labels(),
                landmarks ? head.labels().size() : 0,
                head.backbone(),
                head.current(),
                head.builtIn(),
                head.served(),
                head.jobId().isEmpty() ? null : head.jobId(),
                head.validationMetrics(),
                head.createdAt());
    }
}
