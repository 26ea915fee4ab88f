package io.prosface.server.inference.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.prosface.server.inference.MetricNames;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-head serving metrics, labelled as Triton labels per-model ones: {@code model} (the backbone), {@code head} (its
 * name) and {@code version}. {@link MetricNames#HEAD_INFERENCES} counts one per face per head that answered it;
 * {@link MetricNames#HEAD_COMPUTE} times each head's part of a batch (its tail, if any, the head and the copy of its
 * answers).
 *
 * <p>Cardinality: few-shot heads are created by users, so series exist only for head versions the registry has
 * loaded. A version's series are removed once it is closed (retired and no longer used by a batch), checked whenever
 * a batch records; the number of series is bounded by the heads the server holds in memory, never by history.
 */
public final class HeadMeters {

    /** Records nothing (warm-up batches are not traffic). */
    public static final HeadMeters NONE = new HeadMeters(null, "");

    private record Meters(Counter faces, Timer compute) {}

    /** The series of one {@code name@vN} and the loaded head that last used them. */
    private record Entry(LoadedHead head, Meters meters) {}

    private final MeterRegistry registry;
    private final String model;
    /**
     * By {@code name@vN}, not by object: a head deleted and created again under the same name and version shares
     * its series (Micrometer would hand both the same meters), and the series go only when the last user is closed.
     */
    private final Map<String, Entry> byHead = new ConcurrentHashMap<>();

    public HeadMeters(MeterRegistry registry, String model) {
        this.registry = registry;
        this.model = model;
    }

    /** {@code head} answered {@code faces} faces of a batch in {@code nanos}. */
    public void record(LoadedHead head, int faces, long nanos) {
        if (registry == null) {
            return;
        }
        Meters meters = byHead.compute(
                        head.key(),
                        (key, entry) -> entry == null
                                ? new Entry(head, register(head))
                                : entry.head() == head ? entry : new Entry(head, entry.meters()))
                .meters();
        meters.faces().increment(faces);
        meters.compute().record(nanos, TimeUnit.NANOSECONDS);
        removeClosed();
    }

    private Meters register(LoadedHead head) {
        String version = String.valueOf(head.version());
        Counter faces = Counter.builder(MetricNames.HEAD_INFERENCES)
                .description("faces a head answered")
                .tag("model", model)
                .tag("head", head.name())
                .tag("version", version)
                .register(registry);
        Timer compute = Timer.builder(MetricNames.HEAD_COMPUTE)
                .description("time of a head's part of one batch")
                .tag("model", model)
                .tag("head", head.name())
                .tag("version", version)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
        return new Meters(faces, compute);
    }

    /** Drops the series of head versions whose native memory is freed: they can never answer again. */
    private void removeClosed() {
        byHead.entrySet().removeIf(entry -> {
            if (!entry.getValue().head().isClosed()) {
                return false;
            }
            registry.remove(entry.getValue().meters().faces());
            registry.remove(entry.getValue().meters().compute());
            return true;
        });
    }

    /** Removes every series (the engine stops; a registry may outlive it in tests). */
    public void close() {
        if (registry == null) {
            return;
        }
        byHead.values().forEach(entry -> {
            registry.remove(entry.meters().faces());
            registry.remove(entry.meters().compute());
        });
        byHead.clear();
    }
}
