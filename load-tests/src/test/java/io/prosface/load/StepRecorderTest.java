package io.prosface.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StepRecorderTest {

    @Test
    void percentilesAreNearestRankOverSuccessfulCallsOnly() {
        StepRecorder recorder = new StepRecorder();
        for (int millis = 1; millis <= 100; millis++) {
            recorder.record(StepRecorder.OK, millis * 1_000_000L);
        }
        recorder.record("RESOURCE_EXHAUSTED", 1L); // a fast refusal must not pull the percentiles down
        recorder.record("RESOURCE_EXHAUSTED", 1L);
        StepRecorder.Latency latency = recorder.latency();
        assertEquals(50.0, latency.p50());
        assertEquals(95.0, latency.p95());
        assertEquals(99.0, latency.p99());
        assertEquals(100.0, latency.max());
        assertEquals(100, recorder.count(StepRecorder.OK));
        assertEquals(Map.of("RESOURCE_EXHAUSTED", 2L), recorder.errors());
    }
}
