package io.prosface.server;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.Set;

/** One worker, batches of one, two queue slots and a slow batch: a server that is easy to overload. */
public class OverloadProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pros.inference.workers", "1",
                "pros.inference.max-batch-size", "1",
                "pros.inference.warm-up-batch-sizes", "1",
                "pros.inference.max-queue-delay", "0ms",
                "pros.inference.max-queue-size", "2",
                // enough decoding threads that refusals come from the batcher's queue, the thing under test
                "pros.inference.preprocess-threads", "8",
                "pros.inference.retry-after", "2s",
                // one batch per request, so batch counts and queue positions read as requests (re-framing would run
                // each face twice); the drain of two-pass requests is checked by scripts/drain-check.sh
                "pros.inference.reframe-faces", "false");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(SlowBatchHook.class);
    }
}
