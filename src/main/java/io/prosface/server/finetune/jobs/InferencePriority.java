package io.prosface.server.finetune.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.inference.MetricNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;

/**
 * How jobs leave the device to inference. Three layers:
 * <ol>
 *   <li>job threads run at {@link Thread#MIN_PRIORITY} (a hint the OS may honour);</li>
 *   <li>a job's work comes in small pieces (decoding, cropping and augmenting one image; one backbone forward over a
 *       chunk of {@code pros.finetune.feature-chunk-size} images; one optimiser step of the head (and of its tail,
 *       for unfrozen_blocks &gt; 0) on cached features or tokens; a few milliseconds each), and before every piece the
 *       job calls {@link #yieldToInference}: while the inference batcher has requests queued or in flight (its
 *       {@link MetricNames#IN_FLIGHT} gauge), the job sleeps in 2 ms slices;</li>
 *   <li>so that a saturated server still finishes jobs, one wait lasts at most {@code pros.finetune.max-yield}; then
 *       the piece runs anyway, sharing the cores for those few milliseconds.</li>
 * </ol>
 * Inference therefore never waits behind more than one job piece, and an idle server gives jobs the whole device.
 */
@ApplicationScoped
public class InferencePriority {

    private final MeterRegistry meters;
    private final FineTuneConfig config;

    @Inject
    InferencePriority(MeterRegistry meters, FineTuneConfig config) {
        this.meters = meters;
        this.config = config;
    }

    /** Requests the inference batcher has accepted and not answered yet (queued or computing). */
    public double inferenceWork() {
        double work = 0;
        for (Gauge gauge : meters.find(MetricNames.IN_FLIGHT).gauges()) {
            work += gauge.value();
        }
        return work;
    }

    /** Waits while inference has work, at most {@code pros.finetune.max-yield}; returns the time waited (ns). */
    public long yieldToInference() {
        long start = System.nanoTime();
        long deadline = start + config.maxYield().toNanos();
        try {
            while (inferenceWork() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(2);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return System.nanoTime() - start;
    }
}
