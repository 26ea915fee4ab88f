package io.prosface.server.health;

import io.prosface.server.inference.engine.InferenceEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the checkpoint is loaded (warm-up may still run; readiness waits for it). */
@Startup
@ApplicationScoped
public class StartupCheck implements HealthCheck {

    private final InferenceEngine engine;

    @Inject
    StartupCheck(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        InferenceEngine.State state = engine.state();
        boolean started = state == InferenceEngine.State.LOADED || state == InferenceEngine.State.READY;
        return HealthCheckResponse.named("model-loaded")
                .status(started)
                .withData("state", state.name())
                .build();
    }
}
