package io.prosface.load;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Outcomes of one measured step, from many threads: a count per outcome code ({@code OK}, a gRPC status name, an HTTP
 * status, or a client-side code such as {@code client-overflow}) and the latency of every successful call. Every
 * latency is kept (a step has thousands, not millions), so percentiles are exact rather than bucketed.
 */
final class StepRecorder {

    static final String OK = "OK";

    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private long[] latencies = new long[4096];
    private int latencyCount;

    void record(String code, long latencyNanos) {
        outcomes.computeIfAbsent(code, key -> new LongAdder()).increment();
        if (OK.equals(code)) {
            synchronized (this) {
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencyCount * 2);
                }
                latencies[latencyCount++] = latencyNanos;
            }
        }
    }

    long count(String code) {
        LongAdder adder = outcomes.get(code);
        return adder == null ? 0 : adder.sum();
    }

    /** Every outcome but OK, by code. */
    Map<String, Long> errors() {
        Map<String, Long> errors = new TreeMap<>();
        outcomes.forEach((code, adder) -> {
            if (!OK.equals(code)) {
                errors.put(code, adder.sum());
            }
        });
        return errors;
    }

    /** Latency percentiles of the successful calls, in milliseconds. */
    synchronized Latency latency() {
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return new Latency(
                percentile(sorted, 0.50),
                percentile(sorted, 0.95),
                percentile(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
    }

    /** Nearest-rank percentile: the smallest value with at least {@code fraction} of the values at or below it. */
    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /** Milliseconds. */
    record Latency(double p50, double p95, double p99, double max) {}
}
