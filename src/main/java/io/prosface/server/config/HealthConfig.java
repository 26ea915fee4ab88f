package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * What the health checks make of an {@link OutOfMemoryError} the server caught while serving (it answers the request
 * with 503 and goes on). The checks: docs/operations.md, "Health checks".
 */
@ConfigMapping(prefix = "pros.health")
public interface HealthConfig {

    /**
     * Readiness is DOWN for this long after each OutOfMemoryError: Kubernetes sends new requests to other replicas
     * while the requests in flight finish and the heap recovers. 0s: readiness ignores them.
     */
    @WithDefault("30s")
    Duration outOfMemoryCooldown();

    /**
     * Liveness is DOWN while this many OutOfMemoryErrors fall within {@link #outOfMemoryWindow()}, so Kubernetes
     * restarts a JVM that keeps running out of memory. 0: liveness ignores them.
     */
    @WithDefault("3")
    int outOfMemoryRestartAfter();

    /** The span over which {@link #outOfMemoryRestartAfter()} errors are counted. */
    @WithDefault("10m")
    Duration outOfMemoryWindow();
}
