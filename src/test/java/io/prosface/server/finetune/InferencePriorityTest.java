package io.prosface.server.finetune;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.inference.MetricNames;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A job piece waits while inference has work, starts at once when it has none, and never waits forever. */
class InferencePriorityTest {

    private final AtomicInteger inFlight = new AtomicInteger();

    private InferencePriority priority(Duration maxYield) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Gauge.builder(MetricNames.IN_FLIGHT, inFlight, AtomicInteger::get).register(meters);
        InferencePriority priority = new InferencePriority();
        priority.meters = meters;
        priority.config = (FineTuneConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FineTuneConfig.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("maxYield")) {
                        return maxYield;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return priority;
    }

    @Test
    void anIdleServerDoesNotDelayJobs() {
        long waited = priority(Duration.ofSeconds(2)).yieldToInference();
        assertTrue(waited < TimeUnit.MILLISECONDS.toNanos(50), "waited " + waited + " ns");
    }

    @Test
    void jobsWaitUntilInferenceIsDone() {
        InferencePriority priority = priority(Duration.ofSeconds(5));
        inFlight.set(3);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(() -> inFlight.set(0), 200, TimeUnit.MILLISECONDS);
            long waited = priority.yieldToInference();
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150) && waited < TimeUnit.SECONDS.toNanos(2),
                    "waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms for 200 ms of inference");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aSaturatedServerStillLetsJobsProgress() {
        inFlight.set(64);
        long waited = priority(Duration.ofMillis(100)).yieldToInference();
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(100) && waited < TimeUnit.SECONDS.toNanos(1),
                "waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
    }
}
