package io.prosface.server.finetune.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.inference.MetricNames;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A job piece waits while inference has work, starts at once when it has none, and never waits forever.
 *
 * <p>Read through the in-flight gauge itself: every value the job read is recorded, so the tests say how often it
 * looked and what it saw last (why it stopped waiting) instead of how long it took on a shared 2-core machine.
 */
class InferencePriorityTest {

    private final AtomicInteger inFlight = new AtomicInteger();
    /** Every value of the in-flight gauge the job read, in order. */
    private final List<Integer> reads = Collections.synchronizedList(new ArrayList<>());

    private InferencePriority priority(Duration maxYield) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Gauge.builder(MetricNames.IN_FLIGHT, inFlight, work -> {
                    int value = work.get();
                    reads.add(value);
                    return value;
                })
                .register(meters);
        FineTuneConfig config = (FineTuneConfig) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FineTuneConfig.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("maxYield")) {
                        return maxYield;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new InferencePriority(meters, config);
    }

    @Test
    void anIdleServerDoesNotDelayJobs() {
        priority(Duration.ofSeconds(2)).yieldToInference();
        assertEquals(List.of(0), reads, "one look at an idle server, and no wait slice");
    }

    @Test
    void jobsWaitUntilInferenceIsDone() throws Exception {
        // a cap far beyond the test, so a return means the job saw inference finish, not that it gave up
        InferencePriority priority = priority(Duration.ofMinutes(5));
        inFlight.set(3);
        CompletableFuture<Long> job = CompletableFuture.supplyAsync(priority::yieldToInference);
        awaitReads(3);
        assertFalse(job.isDone(), "the job waits while inference has work: " + reads);
        inFlight.set(0);
        job.get(30, TimeUnit.SECONDS);
        assertEquals(0, reads.get(reads.size() - 1), "it went on because inference finished");
        assertTrue(
                reads.subList(0, reads.size() - 1).stream().allMatch(value -> value == 3),
                "it waited through every look at busy inference: " + reads);
    }

    @Test
    void aSaturatedServerStillLetsJobsProgress() throws Exception {
        inFlight.set(64);
        InferencePriority priority = priority(Duration.ofMillis(100));
        long waited = CompletableFuture.supplyAsync(priority::yieldToInference).get(30, TimeUnit.SECONDS);
        // a lower bound only: the cap is measured on the same clock, and load can make the wait longer, never shorter
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(100), "waited its cap: " + waited + " ns");
        assertTrue(reads.size() > 1, "it waited in slices: " + reads.size() + " looks");
        assertTrue(reads.stream().allMatch(value -> value == 64), "went on while inference was still busy: " + reads);
    }

    private void awaitReads(int count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reads.size() < count && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertTrue(reads.size() >= count, "the job looked at the gauge " + reads.size() + " times");
    }
}
