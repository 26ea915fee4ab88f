package io.prosface.server.health;

import io.prosface.server.finetune.Database;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether fine-tuning can use its job and head store. A wellness check, not a readiness one: predictions never need
 * the store, so a broken store must not take the pod out of its Service (it shows in {@code /q/health} and
 * {@code /q/health/well}, never in {@code /q/health/ready} or {@code /q/health/live}).
 */
@Wellness
@ApplicationScoped
public class FineTuningStoreCheck implements HealthCheck {

    @Inject
    Database database;

    @Override
    public HealthCheckResponse call() {
        var problem = database.check();
        var response = HealthCheckResponse.named("fine-tuning-store").status(problem.isEmpty());
        problem.ifPresent(reason -> response.withData("error", reason.length() > 300 ? reason.substring(0, 300) : reason));
        return response.build();
    }
}
