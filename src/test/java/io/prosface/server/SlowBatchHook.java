package io.prosface.server;

import io.prosface.server.inference.BatchHook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * Makes every batch take {@link #delayMillis} longer, so tests can fill the queue and outwait deadlines at will
 * (generously: the test machine is shared, so a request can take a few hundred ms to reach the queue).
 */
@Alternative
@ApplicationScoped
public class SlowBatchHook implements BatchHook {

    public static volatile long delayMillis = 600;

    @Override
    public void beforeBatch(int batchSize) {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
