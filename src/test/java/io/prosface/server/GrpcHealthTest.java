package io.prosface.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Context;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/**
 * The standard gRPC health service on the served port: SERVING for the server ("") and each served service once the
 * model is warm (the NOT_SERVING side: {@code OverloadTest} while draining, {@code GrpcHealthBridgeTest} before the
 * model is warm).
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class GrpcHealthTest {

    @GrpcClient("face")
    HealthGrpc.HealthBlockingStub health;

    private ServingStatus check(String service) {
        return health.check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void theServerAndEachServedServiceAreServingOnceReady() {
        for (String service :
                new String[] {"", "pros.v1.FaceAnalysis", "pros.v1.FineTuning", "inference.GRPCInferenceService"}) {
            assertEquals(ServingStatus.SERVING, check(service), "service '" + service + "'");
        }
        assertEquals(ServingStatus.UNKNOWN, check("pros.v1.NoSuchService"), "an unknown name is not reported healthy");
    }

    @Test
    void watchStartsWithTheCurrentStatus() {
        try (Context.CancellableContext context = Context.current().withCancellation()) {
            context.run(() -> {
                Iterator<HealthCheckResponse> updates = health.watch(HealthCheckRequest.newBuilder()
                        .setService("pros.v1.FaceAnalysis")
                        .build());
                assertTrue(updates.hasNext());
                assertEquals(ServingStatus.SERVING, updates.next().getStatus());
            });
        }
    }
}
