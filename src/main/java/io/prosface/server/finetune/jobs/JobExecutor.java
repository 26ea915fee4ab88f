package io.prosface.server.finetune.jobs;

import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.finetune.heads.HeadCatalog;
import io.prosface.server.finetune.store.Database;
import io.prosface.server.inference.engine.InferenceEngine;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The bounded job executor of this replica: {@code pros.finetune.max-concurrent-jobs} worker threads at the lowest
 * thread priority, fed from the database (so queued jobs of every replica are shared, and a queued job survives a
 * restart). One scheduler thread polls every {@code pros.finetune.poll-interval}: it fails jobs whose replica
 * vanished, syncs the served heads, and claims queued jobs for free workers (a claim is a conditional UPDATE, so two
 * replicas never run the same job). An upload wakes it at once.
 *
 * <p>At start (after the model is loaded) jobs left RUNNING under this replica's id were cut off by a crash or kill:
 * they are marked FAILED with that reason. At a graceful shutdown, running jobs stop at their next checkpoint and go
 * back to QUEUED.
 */
@ApplicationScoped
public class JobExecutor {

    private static final Logger LOG = Logger.getLogger(JobExecutor.class);

    private final FineTuneConfig config;
    private final JobStore jobs;
    private final JobRunner runner;
    private final HeadCatalog catalog;
    private final InferenceEngine engine;

    private final Map<String, AtomicReference<JobInterruptedException.Cause>> running = new ConcurrentHashMap<>();
    private final AtomicInteger busy = new AtomicInteger();
    private String replicaId;
    /** False until the startup recovery has run (it waits for a store that could not be opened at start). */
    private volatile boolean recovered;

    private ExecutorService workers;
    private ScheduledExecutorService scheduler;

    @Inject
    JobExecutor(FineTuneConfig config, JobStore jobs, JobRunner runner, HeadCatalog catalog, InferenceEngine engine) {
        this.config = config;
        this.jobs = jobs;
        this.runner = runner;
        this.catalog = catalog;
        this.engine = engine;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        replicaId = config.replicaId().orElseGet(JobExecutor::hostName);
        int failed = recoverOnce();
        workers = Executors.newFixedThreadPool(config.maxConcurrentJobs(), runnable -> {
            Thread thread = new Thread(runnable, "pros-finetune-job");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pros-finetune-poll");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::poll, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof(
                "fine-tuning: replica %s, %d concurrent job(s), polling every %s; %d interrupted job(s) marked "
                        + "failed",
                replicaId, config.maxConcurrentJobs(), config.pollInterval(), failed);
    }

    /** Startup recovery (also called by tests): jobs RUNNING under this replica's id become FAILED. */
    public int recover() {
        return jobs.failRestarted(replicaId());
    }

    /** The startup recovery, at most once; -1 (and again at the next poll) while the store cannot be used. */
    private int recoverOnce() {
        if (recovered) {
            return 0;
        }
        try {
            int failed = recover();
            recovered = true;
            return failed;
        } catch (Database.StoreException unavailable) {
            return -1;
        }
    }

    public String replicaId() {
        return replicaId != null ? replicaId : config.replicaId().orElseGet(JobExecutor::hostName);
    }

    /** Looks for work now (after an upload). */
    public void wake() {
        if (scheduler != null && !scheduler.isShutdown()) {
            scheduler.execute(this::dispatch);
        }
    }

    /** Asks a job running on this replica to stop at its next checkpoint; false when it does not run here. */
    public boolean interrupt(String jobId) {
        AtomicReference<JobInterruptedException.Cause> stop = running.get(jobId);
        return stop != null && stop.compareAndSet(null, JobInterruptedException.Cause.CANCELLED);
    }

    private void poll() {
        try {
            recoverOnce();
            jobs.failStale(Instant.now().minus(config.staleAfter()));
            catalog.refresh();
            dispatch();
        } catch (RuntimeException failure) {
            LOG.warnf("fine-tuning poll failed: %s", failure.getMessage());
        }
    }

    private synchronized void dispatch() {
        if (engine.state() != InferenceEngine.State.READY) {
            return;
        }
        int free = config.maxConcurrentJobs() - busy.get();
        if (free <= 0) {
            return;
        }
        List<String> queued = jobs.queued(free * 4);
        for (String id : queued) {
            if (busy.get() >= config.maxConcurrentJobs()) {
                return;
            }
            if (!jobs.claim(id, replicaId)) {
                continue;
            }
            busy.incrementAndGet();
            AtomicReference<JobInterruptedException.Cause> stop = new AtomicReference<>();
            running.put(id, stop);
            workers.execute(() -> {
                try {
                    runner.run(id, stop);
                } finally {
                    running.remove(id);
                    busy.decrementAndGet();
                    wake();
                }
            });
        }
    }

    /** Before the model is closed (the engine stops at the default priority, later): stop and requeue jobs. */
    void onStop(@Observes @Priority(1000) ShutdownEvent event) {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        running.values().forEach(stop -> stop.compareAndSet(null, JobInterruptedException.Cause.SHUTDOWN));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
                LOG.warn("a fine-tuning job did not stop within 20 s");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException unknown) {
            return "replica-" + ProcessHandle.current().pid();
        }
    }
}
