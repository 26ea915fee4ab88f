package io.prosface.load;

import java.util.Map;

/**
 * What a client saw in one step, whichever client it was.
 *
 * @param seconds measured window
 * @param ok successful calls counted in the window
 * @param errors failed calls by outcome code
 * @param latency percentiles in milliseconds (successful calls; wrk: all answered calls)
 * @param clientCpuCores CPU time the load generator itself used per second (on a small machine it competes with
 *     the server for the same cores)
 */
record Measured(
        double seconds, long ok, Map<String, Long> errors, StepRecorder.Latency latency, double clientCpuCores) {

    static Measured of(StepRecorder recorder, double seconds, double clientCpuCores) {
        return new Measured(
                seconds, recorder.count(StepRecorder.OK), recorder.errors(), recorder.latency(), clientCpuCores);
    }

    double okPerSecond() {
        return ok / seconds;
    }
}
