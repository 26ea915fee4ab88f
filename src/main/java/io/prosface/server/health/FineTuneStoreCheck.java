package io.prosface.server.health;

import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.finetune.store.Database;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether fine-tuning can use its job and head store. A wellness check, not a readiness one: predictions never need
 * the store, so a broken store must not take the pod out of its Service (it shows in {@code /q/health} and
 * {@code /q/health/well}, never in {@code /q/health/ready} or {@code /q/health/live}).
 *
 * <p>The reason says what failed and its codes, never the database's own message: that names the file path, the
 * JDBC URL and the user, and {@code /q/health} is read by whoever can reach the pod. The full text is in the server
 * log (logged by {@link Database} when the failure first appears).
 */
@Wellness
@ApplicationScoped
public class FineTuneStoreCheck implements HealthCheck {

    private final Database database;
    private final FineTuneConfig config;

    @Inject
    FineTuneStoreCheck(Database database, FineTuneConfig config) {
        this.database = database;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var problem = database.check();
        var response = HealthCheckResponse.named("fine-tuning-store")
                .status(problem.isEmpty())
                .withData("datasource", config.datasource());
        problem.map(reason -> reason.lines().findFirst().orElse(reason))
                .map(line -> line.length() > 300 ? line.substring(0, 300) : line)
                .ifPresent(line -> response.withData("error", line));
        return response.build();
    }
}
