package io.prosface.server.grpc;

import com.google.protobuf.Timestamp;
import io.prosface.core.model.HeadKind;
import io.prosface.grpc.v1.CancelJobRequest;
import io.prosface.grpc.v1.CancelJobResponse;
import io.prosface.grpc.v1.DeleteHeadRequest;
import io.prosface.grpc.v1.DeleteHeadResponse;
import io.prosface.grpc.v1.FineTuning;
import io.prosface.grpc.v1.GetJobRequest;
import io.prosface.grpc.v1.GetJobResponse;
import io.prosface.grpc.v1.Head;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.Job;
import io.prosface.grpc.v1.JobProgress;
import io.prosface.grpc.v1.ListHeadsRequest;
import io.prosface.grpc.v1.ListHeadsResponse;
import io.prosface.grpc.v1.ListJobsRequest;
import io.prosface.grpc.v1.ListJobsResponse;
import io.prosface.grpc.v1.PromoteHeadRequest;
import io.prosface.grpc.v1.PromoteHeadResponse;
import io.prosface.grpc.v1.WatchJobRequest;
import io.prosface.grpc.v1.WatchJobResponse;
import io.prosface.server.auth.ApiKeys;
import io.prosface.server.auth.FineTuneAuthInterceptor;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.FineTuneService;
import io.prosface.server.finetune.JobWatcher;
import io.prosface.server.finetune.Page;
import io.prosface.server.finetune.heads.HeadRefs;
import io.prosface.server.finetune.heads.HeadView;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.jobs.JobState;
import io.prosface.server.finetune.upload.TrainingOptions;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The pros.v1.FineTuning service: a thin adapter over {@link FineTuneService} (jobs are created over HTTP). Every
 * method blocks on the database, so all run on worker threads; {@link FineTuneAuthInterceptor} checks keys first.
 */
@GrpcService
@RegisterInterceptor(FineTuneAuthInterceptor.class)
public class FineTuneGrpcService implements FineTuning {

    private final FineTuneService service;
    private final JobWatcher watcher;

    @Inject
    FineTuneGrpcService(FineTuneService service, JobWatcher watcher) {
        this.service = service;
        this.watcher = watcher;
    }

    @Override
    @Blocking
    public Uni<GetJobResponse> getJob(GetJobRequest request) {
        return answer(() -> GetJobResponse.newBuilder()
                .setJob(job(service.job(required(request.getJobId()))))
                .build());
    }

    @Override
    @Blocking
    public Uni<ListJobsResponse> listJobs(ListJobsRequest request) {
        return answer(() -> {
            Set<JobState> states = EnumSet.noneOf(JobState.class);
            for (io.prosface.grpc.v1.JobState state : request.getStatesList()) {
                if (state == io.prosface.grpc.v1.JobState.JOB_STATE_UNSPECIFIED
                        || state == io.prosface.grpc.v1.JobState.UNRECOGNIZED) {
                    throw ServingException.invalidArgument("states: " + state + " is not a job state");
                }
                states.add(JobState.valueOf(state.name().substring("JOB_STATE_".length())));
            }
            Page<JobRecord> page =
                    service.jobs(request.getPageSize(), request.getPageToken(), states, request.getHeadName());
            ListJobsResponse.Builder response = ListJobsResponse.newBuilder().setNextPageToken(page.nextPageToken());
            page.items().forEach(job -> response.addJobs(job(job)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public Multi<WatchJobResponse> watchJob(WatchJobRequest request) {
        return watcher.watch(required(request.getJobId()))
                .map(job -> WatchJobResponse.newBuilder().setJob(job(job)).build());
    }

    @Override
    @Blocking
    public Uni<CancelJobResponse> cancelJob(CancelJobRequest request) {
        ApiKeys.Caller caller = FineTuneAuthInterceptor.CALLER.get();
        return answer(() -> CancelJobResponse.newBuilder()
                .setJob(job(service.cancel(
                        required(request.getJobId()),
                        caller != null ? caller : new ApiKeys.Caller("an API key", Set.of()))))
                .build());
    }

    @Override
    @Blocking
    public Uni<ListHeadsResponse> listHeads(ListHeadsRequest request) {
        return answer(() -> {
            Set<HeadKind> kinds = ProtoKinds.kinds(request.getType());
            Page<HeadView> page =
                    service.heads(request.getPageSize(), request.getPageToken(), request.getName(), kinds);
            ListHeadsResponse.Builder response = ListHeadsResponse.newBuilder().setNextPageToken(page.nextPageToken());
            page.items().forEach(head -> response.addHeads(head(head)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public Uni<PromoteHeadResponse> promoteHead(PromoteHeadRequest request) {
        return answer(() -> PromoteHeadResponse.newBuilder()
                .setHead(head(service.promote(request.getHead().getName(), version(request.getHead()))))
                .build());
    }

    @Override
    @Blocking
    public Uni<DeleteHeadResponse> deleteHead(DeleteHeadRequest request) {
        return answer(() -> {
            service.delete(request.getHead().getName(), version(request.getHead()));
            return DeleteHeadResponse.getDefaultInstance();
        });
    }

    private static <T> Uni<T> answer(Supplier<T> work) {
        return Uni.createFrom().item(work);
    }

    private static String required(String jobId) {
        if (jobId.isEmpty()) {
            throw ServingException.invalidArgument("job_id is required");
        }
        return jobId;
    }

    private static int version(HeadRef ref) {
        if (ref.getName().isEmpty() || ref.getVersion().isEmpty()) {
            throw ServingException.invalidArgument("head: name and version are both required");
        }
        return HeadRefs.version(ref.getVersion());
    }

    static Job job(JobRecord job) {
        Job.Builder proto = Job.newBuilder()
                .setId(job.id())
                .setState(io.prosface.grpc.v1.JobState.valueOf(
                        "JOB_STATE_" + job.state().name()))
                .setHeadType(ProtoKinds.type(job.spec().kind()))
                .setHeadName(job.spec().headName())
                .setBackbone(job.backbone())
                .setProgress(JobProgress.newBuilder()
                        .setEpoch(job.epoch())
                        .setTotalEpochs(job.totalEpochs())
                        .setStep(job.step())
                        .setTotalSteps(job.totalSteps())
                        .setFraction(job.fraction()))
                .putAllTrainMetrics(job.trainMetrics())
                .putAllValidationMetrics(job.validationMetrics())
                .setTrainExamples(job.trainExamples())
                .setValidationExamples(job.validationExamples())
                .setErrorMessage(job.errorMessage() == null ? "" : job.errorMessage())
                .setCreateTime(timestamp(job.createdAt()))
                .setOptions(options(job.spec().options()));
        if (job.headVersion() != null) {
            proto.setHeadVersion("v" + job.headVersion());
        }
        if (job.startedAt() != null) {
            proto.setStartTime(timestamp(job.startedAt()));
        }
        if (job.endedAt() != null) {
            proto.setEndTime(timestamp(job.endedAt()));
        }
        return proto.build();
    }

    static io.prosface.grpc.v1.JobOptions options(TrainingOptions options) {
        return io.prosface.grpc.v1.JobOptions.newBuilder()
                .setEpochs(options.epochs())
                .setLearningRate(options.learningRate())
                .setBatchSize(options.batchSize())
                .setValidationSplit(options.validationSplit())
                .setUnfrozenBlocks(options.unfrozenBlocks())
                .setAugmentedViews(options.augmentedViews())
                .setSeed(options.seed())
                .setPromote(options.promote())
                .setDetectFaces(options.detectFaces())
                .build();
    }

    static Head head(HeadView head) {
        boolean landmarks = head.kind() == HeadKind.LANDMARKS;
        Head.Builder proto = Head.newBuilder()
                .setRef(HeadRef.newBuilder().setName(head.name()).setVersion("v" + head.version()))
                .setType(ProtoKinds.type(head.kind()))
                .setNumPoints(landmarks ? head.labels().size() : 0)
                .setBackbone(head.backbone())
                .setCurrent(head.current())
                .setBuiltIn(head.builtIn())
                .setJobId(head.jobId())
                .putAllValidationMetrics(head.validationMetrics());
        if (!landmarks) {
            proto.addAllLabels(head.labels());
        }
        if (head.createdAt() != null) {
            proto.setCreateTime(timestamp(head.createdAt()));
        }
        return proto.build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
