package io.prosface.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closed loop: {@code concurrency} users, each sending its next call as soon as the previous one answers. Counts every
 * call that ends inside the measured window (after the warm-up), so throughput = those calls / window, without the
 * bias of dropping calls that straddle the window's edges. Its latency is service time under that concurrency; the
 * queueing a fixed arrival rate would add is what {@link OpenLoop} measures.
 */
final class ClosedLoop {

    private ClosedLoop() {}

    /**
     * @param usersPerLane users sharing one lane (for AnalyzeStream: frames each stream keeps in flight)
     * @param start {@link System#nanoTime()} at which the load starts (now or just after)
     * @param drain longest wait, after the window, for calls still in flight
     */
    static StepRecorder run(
            LoadTarget target,
            int concurrency,
            int usersPerLane,
            long start,
            Duration warmup,
            Duration duration,
            Duration drain,
            ExecutorService callbacks)
            throws InterruptedException {
        StepRecorder recorder = new StepRecorder();
        long measureStart = start + warmup.toNanos();
        long measureEnd = measureStart + duration.toNanos();
        CountDownLatch finished = new CountDownLatch(concurrency);
        List<LoadTarget.Lane> lanes = new ArrayList<>();
        for (int user = 0; user < concurrency; user++) {
            if (user % usersPerLane == 0) {
                lanes.add(target.openLane());
            }
            new User(lanes.get(lanes.size() - 1), recorder, measureStart, measureEnd, finished, callbacks).next();
        }
        boolean drained = finished.await(warmup.plus(duration).plus(drain).toMillis(), TimeUnit.MILLISECONDS);
        if (!drained) {
            recorder.record("no-answer", 0);
        }
        lanes.forEach(LoadTarget.Lane::close);
        return recorder;
    }

    private record User(
            LoadTarget.Lane lane,
            StepRecorder recorder,
            long measureStart,
            long measureEnd,
            CountDownLatch finished,
            ExecutorService callbacks) {

        void next() {
            long sent = System.nanoTime();
            // async hand-off: a call that fails at once must not recurse into the next one on this stack
            lane.call()
                    .whenCompleteAsync(
                            (code, unexpected) -> {
                                long answered = System.nanoTime();
                                if (answered >= measureStart && answered <= measureEnd) {
                                    recorder.record(unexpected == null ? code : "client-exception", answered - sent);
                                }
                                if (answered < measureEnd) {
                                    next();
                                } else {
                                    finished.countDown();
                                }
                            },
                            callbacks);
        }
    }
}
