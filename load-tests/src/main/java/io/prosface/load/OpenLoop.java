package io.prosface.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open loop: calls start on a fixed schedule (call i at start + i / rate) whether or not earlier ones have answered,
 * as independent clients would. Latency runs from the call's <em>scheduled</em> start, not from when it was actually
 * sent, so a sender that falls behind (a slow send, a descheduled thread) cannot hide queueing: the
 * coordinated-omission correction of wrk2 and HdrHistogram. A call counts in the step when its scheduled start lies in
 * the measured window; calls still unanswered after the drain count as {@code no-answer}.
 */
final class OpenLoop {

    /** Counted per step: calls scheduled inside the window (the offered load actually attempted). */
    record Result(StepRecorder recorder, long scheduled) {}

    private OpenLoop() {}

    /** @param start {@link System#nanoTime()} of the first scheduled call (now or just after) */
    static Result run(
            LoadTarget target,
            double ratePerSecond,
            int laneCount,
            long start,
            Duration warmup,
            Duration duration,
            Duration drain,
            int maxOutstanding)
            throws InterruptedException {
        StepRecorder recorder = new StepRecorder();
        List<LoadTarget.Lane> lanes = new ArrayList<>();
        for (int index = 0; index < laneCount; index++) {
            lanes.add(target.openLane());
        }
        double periodNanos = 1e9 / ratePerSecond;
        long measureStart = start + warmup.toNanos();
        long measureEnd = measureStart + duration.toNanos();
        AtomicInteger outstanding = new AtomicInteger();
        AtomicInteger measuredOutstanding = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        long scheduled = 0;
        for (long index = 0; ; index++) {
            long intended = start + (long) (index * periodNanos);
            if (intended >= measureEnd) {
                break;
            }
            waitUntil(intended);
            boolean measured = intended >= measureStart;
            if (measured) {
                scheduled++;
            }
            if (outstanding.get() >= maxOutstanding) {
                if (measured) {
                    recorder.record("client-overflow", 0);
                }
                continue;
            }
            outstanding.incrementAndGet();
            if (measured) {
                measuredOutstanding.incrementAndGet();
            }
            lanes.get((int) (index % laneCount)).call().whenComplete((code, unexpected) -> {
                long answered = System.nanoTime();
                outstanding.decrementAndGet();
                if (measured) {
                    synchronized (closed) { // against the final no-answer count
                        if (!closed.get()) {
                            recorder.record(unexpected == null ? code : "client-exception", answered - intended);
                            measuredOutstanding.decrementAndGet();
                        }
                    }
                }
            });
        }
        long drainEnd = System.nanoTime() + drain.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < drainEnd) {
            Thread.sleep(10);
        }
        synchronized (closed) {
            closed.set(true);
            for (int missing = measuredOutstanding.get(); missing > 0; missing--) {
                recorder.record("no-answer", 0);
            }
        }
        lanes.forEach(LoadTarget.Lane::close);
        return new Result(recorder, scheduled);
    }

    private static void waitUntil(long nanoTime) {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}
