package io.prosface.load;

import java.util.Map;

/**
 * What a client saw in one step, whichever client it was.
 *
 * @param seconds measured window
 * @param ok successful calls counted in the window
 * @param errors failed calls by outcome code
 * @param latency percentiles in milliseconds (successful calls; wrk: all answered calls)
 */
record Measured(double seconds, long ok, Map<String, Long> errors, StepRecorder.Latency latency) {

    static Measured of(StepRecorder recorder, double seconds) {
        return new Measured(seconds, recorder.count(StepRecorder.OK), recorder.errors(), recorder.latency());
    }

    double okPerSecond() {
        return ok / seconds;
    }
}
