package io.prosface.server.health;

import io.prosface.server.config.HealthConfig;
import io.prosface.server.inference.OutOfMemoryWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready for {@code pros.health.out-of-memory-cooldown} after the server caught an OutOfMemoryError: new requests
 * go to other replicas while this one's requests in flight finish and its heap recovers. The reason says where it
 * happened and when readiness comes back.
 */
@Readiness
@ApplicationScoped
public class OutOfMemoryReadinessCheck implements HealthCheck {

    private final OutOfMemoryWatch watch;
    private final HealthConfig config;

    @Inject
    OutOfMemoryReadinessCheck(OutOfMemoryWatch watch, HealthConfig config) {
        this.watch = watch;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        long left = watch.cooldownLeftNanos();
        var response = HealthCheckResponse.named("out-of-memory").status(left == 0);
        watch.last().ifPresent(incident -> {
            long ago = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - incident.nanoTime());
            response.withData(
                            "lastError",
                            "OutOfMemoryError (" + incident.message() + ") " + incident.where() + ", " + ago + " s ago")
                    .withData("errors", incident.total());
            if (left > 0) {
                response.withData("readyAgainInSeconds", Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left)))
                        .withData(
                                "reason",
                                "cooling down after an OutOfMemoryError (pros.health.out-of-memory-cooldown "
                                        + config.outOfMemoryCooldown().toSeconds() + " s)");
            }
        });
        return response.build();
    }
}
