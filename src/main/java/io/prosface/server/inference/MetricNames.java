package io.prosface.server.inference;

/**
 * Names of the serving metrics (Micrometer names; Prometheus shows dots as underscores and adds unit suffixes such as
 * {@code _seconds_bucket}). The Kubernetes autoscaler and the load-test report read these, so they are part of the
 * product's contract.
 *
 * <p>Labels, as Triton labels its metrics: every serving metric carries {@code model}, the backbone it served
 * ({@code vit_tiny_convstem8_64@7016b70e}); the per-head ones add {@code head} and {@code version}. Labels are only
 * ever added, never renamed: a query that sums over them keeps working.
 */
public final class MetricNames {
    /** Timer: time a request waited in the batcher queue. Prometheus: {@code pros_inference_queue_seconds_*}. */
    public static final String QUEUE_TIME = "pros.inference.queue";
    /** Timer: time of one batched forward (backbone + heads). Prometheus: {@code pros_inference_compute_seconds_*}. */
    public static final String INFERENCE_TIME = "pros.inference.compute";
    /** Distribution summary: achieved batch size. Prometheus: {@code pros_inference_batch_size_*}. */
    public static final String BATCH_SIZE = "pros.inference.batch.size";
    /** Gauge: requests waiting in the queue. Prometheus: {@code pros_inference_queue_depth}. */
    public static final String QUEUE_DEPTH = "pros.inference.queue.depth";
    /**
     * Gauge: requests accepted and not yet answered (queued + computing). Prometheus: {@code pros_inference_in_flight}.
     */
    public static final String IN_FLIGHT = "pros.inference.in.flight";
    /**
     * Gauge, always 1: what serves, in its tags {@code model} (backbone@hash), {@code device}, {@code precision},
     * {@code workers}, {@code threads_per_worker}, {@code max_batch_size}. Prometheus: {@code pros_inference_info}.
     */
    public static final String INFO = "pros.inference.info";
    /**
     * Counter: answered requests by {@code api}, {@code method}, {@code status} and {@code model} tags. Prometheus:
     * {@code pros_requests_total}.
     */
    public static final String REQUESTS = "pros.requests";
    /** Counter: face crops run through the model. Prometheus: {@code pros_inference_items_total}. */
    public static final String COMPUTED_ITEMS = "pros.inference.items";
    /**
     * Counter: queued items dropped uncomputed because their deadline passed or their caller cancelled.
     * Prometheus: {@code pros_inference_expired_total}.
     */
    public static final String EXPIRED_ITEMS = "pros.inference.expired";

    /**
     * Counter: faces a head answered, one per face per head, by {@code model}, {@code head} (name) and
     * {@code version}; series exist only for head versions the server holds loaded. Prometheus:
     * {@code pros_head_inferences_total}.
     */
    public static final String HEAD_INFERENCES = "pros.head.inferences";
    /**
     * Timer: a head's part of one batch (its own backbone blocks if any, the head, copying its answers), by
     * {@code model}, {@code head} and {@code version}. Prometheus: {@code pros_head_compute_seconds_*}.
     */
    public static final String HEAD_COMPUTE = "pros.head.compute";

    private MetricNames() {}
}
