package io.prosface.server.v2;

import io.prosface.server.inference.engine.InferenceEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The protocol's health and server metadata, from the same checks as {@code /q/health/live} and
 * {@code /q/health/ready}: live and ready answer exactly what those would (ready: model loaded, every batch size warm,
 * not shutting down, no recent out-of-memory).
 */
@ApplicationScoped
public class V2Health {

    /** Name in ServerMetadata. */
    public static final String SERVER_NAME = "pros-face";

    private final Instance<HealthCheck> liveness;
    private final Instance<HealthCheck> readiness;
    private final InferenceEngine engine;
    private final V2Models models;
    private final String version;

    @Inject
    V2Health(
            @Liveness @Any Instance<HealthCheck> liveness,
            @Readiness @Any Instance<HealthCheck> readiness,
            InferenceEngine engine,
            V2Models models,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.liveness = liveness;
        this.readiness = readiness;
        this.engine = engine;
        this.models = models;
        this.version = version;
    }

    public boolean live() {
        return allUp(liveness);
    }

    public boolean ready() {
        return engine.state() == InferenceEngine.State.READY && allUp(readiness);
    }

    /** Ready and the model (at the version, "" for current) exists; NOT_FOUND for an unknown model is the caller's. */
    public boolean modelReady(String name, String modelVersion) {
        models.find(name, modelVersion);
        return ready();
    }

    public String version() {
        return version;
    }

    private static boolean allUp(Instance<HealthCheck> checks) {
        for (HealthCheck check : checks) {
            if (check.call().getStatus() != HealthCheckResponse.Status.UP) {
                return false;
            }
        }
        return true;
    }
}
