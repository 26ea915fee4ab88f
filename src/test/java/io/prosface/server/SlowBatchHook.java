package io.prosface.server;

import io.prosface.server.inference.batching.BatchHook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes every batch take {@link #delayMillis} longer, or, between {@link #hold()} and {@link #release()}, makes every
 * batch wait until the test releases it: a test that must fill the queue or outwait a deadline holds the worker for
 * exactly as long as it needs, instead of guessing a delay long enough for a shared machine.
 */
@Alternative
@ApplicationScoped
public class SlowBatchHook implements BatchHook {

    /** The longest a held batch waits for its release. */
    private static final long HOLD_LIMIT_SECONDS = 60;

    public static volatile long delayMillis = 600;
    private static volatile CountDownLatch held;

    /**
     * From now on every batch waits (at most a minute, so a failed test cannot hang the run) for {@link #release()}.
     */
    public static void hold() {
        held = new CountDownLatch(1);
    }

    /** Lets the held batch, and every later one, go (later ones are slowed by {@link #delayMillis} again). */
    public static void release() {
        CountDownLatch latch = held;
        held = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    @Override
    public void beforeBatch(int batchSize) {
        try {
            CountDownLatch latch = held;
            if (latch != null) {
                latch.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
            } else {
                Thread.sleep(delayMillis);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
