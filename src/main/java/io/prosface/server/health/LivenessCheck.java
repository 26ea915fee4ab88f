package io.prosface.server.health;

import io.prosface.server.inference.engine.InferenceEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the inference workers run (a dead worker never answers again: restart the process). */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private final InferenceEngine engine;

    @Inject
    LivenessCheck(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("inference-workers")
                .status(engine.workersAlive())
                .build();
    }
}
