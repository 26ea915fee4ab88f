package io.prosface.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * The bridge's verdict over the server's whole life: quarkus-grpc marks every service SERVING when its server is
 * built, while the model is still loading; the bridge turns that into NOT_SERVING until every readiness check is UP,
 * and back to NOT_SERVING when one goes DOWN (draining, out-of-memory cool-down). A {@code @QuarkusTest} only starts
 * after warm-up, so this phase is checked here, on the storage the gRPC health service reads.
 */
class GrpcHealthBridgeTest {

    private static final String FACE = "pros.v1.FaceAnalysis";

    @Test
    void notServingUntilEveryReadinessCheckIsUpAndAgainWhenOneGoesDown() {
        GrpcHealthStorage storage = new GrpcHealthStorage();
        // what quarkus-grpc does as soon as its server is built
        storage.setStatus("", ServingStatus.SERVING);
        storage.setStatus(FACE, ServingStatus.SERVING);
        storage.setStatus("pros.v1.Other", ServingStatus.SERVING);

        AtomicBoolean warm = new AtomicBoolean(false);
        AtomicBoolean memoryFine = new AtomicBoolean(true);
        // the readiness checks are given directly below, as onStart would pick them, so no Instance is needed
        GrpcHealthBridge bridge = new GrpcHealthBridge(storage, null);
        bridge.checks = List.of(named("model", warm), named("out-of-memory", memoryFine));

        assertEquals(ServingStatus.NOT_SERVING, bridge.refresh(), "loading / warming up");
        assertEquals(ServingStatus.NOT_SERVING, storage.statusForService("").getStatus());
        assertEquals(ServingStatus.NOT_SERVING, storage.statusForService(FACE).getStatus());

        warm.set(true);
        assertEquals(ServingStatus.SERVING, bridge.refresh(), "warm");
        assertEquals(ServingStatus.SERVING, storage.statusForService("").getStatus());
        assertEquals(ServingStatus.SERVING, storage.statusForService(FACE).getStatus());
        assertEquals(
                ServingStatus.SERVING, storage.statusForService("pros.v1.Other").getStatus());

        memoryFine.set(false);
        assertEquals(ServingStatus.NOT_SERVING, bridge.refresh(), "out-of-memory cool-down");
        memoryFine.set(true);
        assertEquals(ServingStatus.SERVING, bridge.refresh(), "cool-down over");

        warm.set(false);
        assertEquals(ServingStatus.NOT_SERVING, bridge.refresh(), "draining");
        assertEquals(ServingStatus.NOT_SERVING, storage.statusForService(FACE).getStatus());
    }

    private static HealthCheck named(String name, AtomicBoolean up) {
        return () -> HealthCheckResponse.named(name).status(up.get()).build();
    }
}
