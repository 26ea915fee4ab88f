package io.prosface.server.health;

import io.prosface.server.inference.engine.InferenceEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the model is loaded, every batch size is warmed up, and the server is not shutting down. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final InferenceEngine engine;

    @Inject
    ReadinessCheck(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        InferenceEngine.State state = engine.state();
        var response = HealthCheckResponse.named("model")
                .status(state == InferenceEngine.State.READY)
                .withData("state", state.name());
        if (engine.registry() != null) {
            response.withData("model", engine.registry().modelVersion());
        }
        response.withData("queueDepth", engine.queueDepth()).withData("inFlight", engine.inFlight());
        if (engine.device() != null) {
            response.withData("device", engine.device().toString());
        }
        return response.build();
    }
}
