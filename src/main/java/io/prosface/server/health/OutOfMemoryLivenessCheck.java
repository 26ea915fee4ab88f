package io.prosface.server.health;

import io.prosface.server.config.HealthConfig;
import io.prosface.server.inference.OutOfMemoryWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Dead while the server keeps running out of memory: {@code pros.health.out-of-memory-restart-after} caught
 * OutOfMemoryErrors within {@code out-of-memory-window}, so Kubernetes restarts the JVM. One error alone only takes
 * the replica out of readiness for a while ({@link OutOfMemoryReadinessCheck}): a single oversized allocation that
 * failed leaves the heap intact, and restarting on each would let one bad input restart pods.
 */
@Liveness
@ApplicationScoped
public class OutOfMemoryLivenessCheck implements HealthCheck {

    private final OutOfMemoryWatch watch;
    private final HealthConfig config;

    @Inject
    OutOfMemoryLivenessCheck(OutOfMemoryWatch watch, HealthConfig config) {
        this.watch = watch;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        boolean restart = watch.restartDue();
        var response = HealthCheckResponse.named("out-of-memory").status(!restart);
        watch.last().ifPresent(incident -> {
            response.withData("errorsInWindow", incident.inWindow()).withData("errors", incident.total());
            if (restart) {
                response.withData(
                        "reason",
                        incident.inWindow() + " OutOfMemoryErrors within "
                                + config.outOfMemoryWindow().toSeconds()
                                + " s (pros.health.out-of-memory-restart-after "
                                + config.outOfMemoryRestartAfter() + "): restart this JVM");
            }
        });
        return response.build();
    }
}
