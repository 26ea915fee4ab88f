package io.prosface.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenLoopTest {

    /** Answers at once, but the 10th send blocks the sender for 300 ms (a stalled client, a GC pause). */
    private static final class StallingTarget implements LoadTarget {
        private final AtomicInteger sends = new AtomicInteger();

        @Override
        public String name() {
            return "stalling";
        }

        @Override
        public Lane openLane() {
            return () -> {
                if (sends.incrementAndGet() == 10) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                return CompletableFuture.completedFuture(StepRecorder.OK);
            };
        }

        @Override
        public void close() {}
    }

    @Test
    void callsDelayedByAStalledSenderCountTheirDelay() throws InterruptedException {
        // 100/s for 1 s: the stall at call 10 delays about 30 scheduled calls by up to 300 ms. Measured from the
        // actual send they would all look instant (coordinated omission); measured from the schedule they do not.
        OpenLoop.Result result = OpenLoop.run(
                new StallingTarget(),
                100,
                1,
                System.nanoTime(),
                Duration.ZERO,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                1000);
        StepRecorder.Latency latency = result.recorder().latency();
        assertEquals(100, result.scheduled());
        assertEquals(100, result.recorder().count(StepRecorder.OK));
        assertTrue(latency.max() >= 250, "the stalled send itself waited ~300 ms: " + latency);
        assertTrue(latency.p95() >= 100, "the calls queued behind it are late too: " + latency);
        assertTrue(latency.p50() < 50, "the rest is on time: " + latency);
    }

    @Test
    void callsBeyondTheClientCapAreCountedNotSilentlySkipped() throws InterruptedException {
        LoadTarget neverAnswers = new LoadTarget() {
            @Override
            public String name() {
                return "silent";
            }

            @Override
            public Lane openLane() {
                return CompletableFuture::new;
            }

            @Override
            public void close() {}
        };
        OpenLoop.Result result = OpenLoop.run(
                neverAnswers,
                100,
                1,
                System.nanoTime(),
                Duration.ZERO,
                Duration.ofMillis(500),
                Duration.ofMillis(100),
                10);
        assertEquals(50, result.scheduled());
        assertEquals(40, result.recorder().errors().get("client-overflow"));
        assertEquals(10, result.recorder().errors().get("no-answer"));
    }
}
