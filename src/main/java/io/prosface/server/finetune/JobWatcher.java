package io.prosface.server.finetune;

import io.prosface.server.finetune.jobs.JobRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Job updates as a stream (SSE and gRPC WatchJob): the job now, then again whenever its stored revision changes, until
 * it is terminal. It reads the database, not in-process events, so a watcher on one replica follows a job trained on
 * another. Polling every {@value #POLL_MILLIS} ms also throttles updates to a few per second.
 */
@ApplicationScoped
public class JobWatcher {

    static final long POLL_MILLIS = 200;

    private final FineTuneService service;

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "pros-finetune-watch");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    JobWatcher(FineTuneService service) {
        this.service = service;
    }

    /** Fails at once with NOT_FOUND for an unknown job (before the stream starts). */
    public Multi<JobRecord> watch(String jobId) {
        JobRecord first = service.job(jobId);
        return Multi.createFrom().emitter(emitter -> start(jobId, first, emitter));
    }

    private void start(String jobId, JobRecord first, MultiEmitter<? super JobRecord> emitter) {
        emitter.emit(first);
        if (first.state().terminal()) {
            emitter.complete();
            return;
        }
        AtomicLong revision = new AtomicLong(first.revision());
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        JobRecord now = service.job(jobId);
                        if (now.revision() != revision.get()) {
                            revision.set(now.revision());
                            emitter.emit(now);
                        }
                        if (now.state().terminal()) {
                            emitter.complete();
                            task.get().cancel(false);
                        }
                    } catch (RuntimeException failure) {
                        emitter.fail(failure);
                        task.get().cancel(false);
                    }
                },
                POLL_MILLIS,
                POLL_MILLIS,
                TimeUnit.MILLISECONDS));
        emitter.onTermination(() -> {
            ScheduledFuture<?> running = task.get();
            if (running != null) {
                running.cancel(false);
            }
        });
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
