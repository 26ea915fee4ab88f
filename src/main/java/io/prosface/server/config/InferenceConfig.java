package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** The serving engine: device and the dynamic batcher, in the spirit of Triton's {@code dynamic_batching} block. */
@ConfigMapping(prefix = "pros.inference")
public interface InferenceConfig {

    /**
     * Where the model runs. {@code auto} takes a GPU when libtorch sees one and the CPU otherwise; {@code gpu} without
     * a visible GPU stops the server at start instead of running on the CPU. The start-up log names the device.
     */
    @WithDefault("auto")
    DeviceChoice device();

    /**
     * Number format of the backbone: {@code fp32}, DJL's float32 forward (the trained model as it is); or {@code int8},
     * the backbone exported at start to ONNX with int8 linear weights and run by ONNX Runtime on the CPU (about twice
     * the faces per CPU-second; answers agree with fp32 on 99.9% of attribute decisions and 99.5% of expressions,
     * see training/docs/onnx-export.md). Heads stay float32 either way. The start-up log names the precision.
     */
    @WithDefault("fp32")
    Precision precision();

    /** Largest number of face crops run through the backbone in one forward pass. */
    @WithDefault("8")
    int maxBatchSize();

    /**
     * Longest time a request may wait in the queue for others to join its batch (Triton's
     * {@code max_queue_delay_microseconds}); under load batches fill up long before this.
     */
    @WithDefault("5ms")
    Duration maxQueueDelay();

    /** Face crops that may wait for a worker; one more is refused at once with RESOURCE_EXHAUSTED / HTTP 429. */
    @WithDefault("64")
    int maxQueueSize();

    /**
     * Inference workers, each a thread that owns its inference path (a model replica in Triton's terms). 0 means two
     * on a CPU with two or more cores (one forward runs while the other worker gathers, stacks and answers its batch)
     * and one on a GPU.
     */
    @WithDefault("0")
    int workers();

    /**
     * Intra-op threads of each worker's forward (libtorch's, or ONNX Runtime's with {@code precision=int8}); 0 means
     * the CPU cores divided among the workers (at least 1). Set on each worker's own thread, so two workers of one
     * thread each run two batches side by side instead of sharing one pool.
     */
    @WithDefault("0")
    int threadsPerWorker();

    /** Threads that decode images and detect faces before batching; 0 means one per CPU core. */
    @WithDefault("0")
    int preprocessThreads();

    /** Batch sizes run once at start, before the server reports ready (first calls of a shape are slow). */
    @WithDefault("1,2,4,8")
    List<Integer> warmUpBatchSizes();

    /** Deadline of a request that brings none (no gRPC deadline, no {@code timeout_ms} / {@code X-Timeout-Ms}). */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Value of {@code Retry-After} sent with 429 and 503 answers. */
    @WithDefault("1s")
    Duration retryAfter();

    /** Responses an {@code AnalyzeStream} call may have in progress before it stops reading frames (flow control). */
    @WithDefault("8")
    int streamWindow();

    /**
     * Every face goes through the model twice: the first pass predicts the 68 landmarks and the face is cut again
     * around the box they span, as training cuts every face (a detector's or client's box only approximates it).
     * One more backbone pass per face. Needs a 68-point landmark head.
     */
    @WithDefault("true")
    boolean reframeFaces();

    /** Device choices for {@link #device()}. */
    enum DeviceChoice {
        AUTO,
        CPU,
        GPU
    }

    /** Choices for {@link #precision()}. */
    enum Precision {
        FP32,
        INT8
    }
}
