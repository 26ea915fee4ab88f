package io.prosface.server.health;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.prosface.server.inference.engine.InferenceEngine;
import io.quarkus.grpc.runtime.health.GrpcHealthCheck;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Makes the standard gRPC health service ({@code grpc.health.v1.Health}, served by quarkus-grpc from
 * {@link GrpcHealthStorage}) say what HTTP readiness says: SERVING for {@code ""} and every served service only while
 * every {@code @Readiness} check is UP (the model is loaded and warm, no out-of-memory cool-down, not shutting down).
 *
 * <p>quarkus-grpc marks every service SERVING as soon as its server is built, before the model is even loaded; this
 * bean overrides that at start, follows each {@link InferenceEngine.State} change at once (so {@code Watch} streams
 * NOT_SERVING the moment draining begins), and re-evaluates once a second for the time-based checks (the
 * out-of-memory cool-down ends by itself). The readiness checks are the source of truth, run as
 * {@code /q/health/ready} runs them; quarkus-grpc's own readiness check is left out, since it only reflects this.
 */
@ApplicationScoped
public class GrpcHealthBridge {

    private static final Logger LOG = Logger.getLogger(GrpcHealthBridge.class);

    private final GrpcHealthStorage storage;
    private final Instance<HealthCheck> readinessChecks;

    /** The checks that decide, without quarkus-grpc's (which reads the storage this bean writes). */
    volatile List<HealthCheck> checks = List.of();

    private ScheduledExecutorService timer;

    @Inject
    GrpcHealthBridge(GrpcHealthStorage storage, @Readiness Instance<HealthCheck> readinessChecks) {
        this.storage = storage;
        this.readinessChecks = readinessChecks;
    }

    /** Before the engine starts loading (its observer has priority 10): NOT_SERVING until it is warm. */
    void onStart(@Observes @Priority(5) StartupEvent event) {
        List<HealthCheck> deciding = new ArrayList<>();
        for (Instance.Handle<HealthCheck> handle : readinessChecks.handles()) {
            if (!GrpcHealthCheck.class.equals(handle.getBean().getBeanClass())) {
                deciding.add(handle.get());
            }
        }
        checks = List.copyOf(deciding);
        refresh();
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pros-grpc-health");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, 1, 1, TimeUnit.SECONDS);
    }

    void onEngineState(@Observes InferenceEngine.State state) {
        refresh();
    }

    /**
     * First of the shutdown observers: NOT_SERVING before anything stops (quarkus-grpc then ends the Watch streams).
     */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
        apply(ServingStatus.NOT_SERVING);
    }

    /** Runs the readiness checks and publishes their verdict for every service; returns it. */
    ServingStatus refresh() {
        ServingStatus status = ServingStatus.SERVING;
        for (HealthCheck check : checks) {
            if (check.call().getStatus() != HealthCheckResponse.Status.UP) {
                status = ServingStatus.NOT_SERVING;
                break;
            }
        }
        apply(status);
        return status;
    }

    /**
     * Sets {@code status} for {@code ""} and every service quarkus-grpc registered (its own start marks them all
     * SERVING), writing only what differs so {@code Watch} sees changes, not repetitions.
     */
    private synchronized void apply(ServingStatus status) {
        Map<String, ServingStatus> current = storage.getStatuses();
        List<String> services = new ArrayList<>(current.keySet());
        if (!services.contains(GrpcHealthStorage.DEFAULT_SERVICE_NAME)) {
            services.add(GrpcHealthStorage.DEFAULT_SERVICE_NAME);
        }
        for (String service : services) {
            if (current.get(service) != status) {
                storage.setStatus(service, status);
            }
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException failure) {
            LOG.warn("evaluating readiness for gRPC health failed", failure);
        }
    }
}
