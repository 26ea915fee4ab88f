package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Few-shot fine-tuning jobs: upload guards, training defaults, the job executor and the replica protocol. */
@ConfigMapping(prefix = "pros.finetune")
public interface FineTuneConfig {

    /** The datasource holding jobs and heads: {@code embedded} (H2 file) or {@code shared} (PostgreSQL). */
    @WithDefault("embedded")
    String datasource();

    /** Guards applied to an upload before anything is stored. */
    Upload upload();

    /** Values used when an upload does not set them. */
    Defaults defaults();

    /** Jobs trained at the same time by this replica; each one is a low-priority thread (see JobExecutor). */
    @WithDefault("1")
    int maxConcurrentJobs();

    /** Jobs that may wait in QUEUED (all replicas together); one more upload is refused with 429. */
    @WithDefault("32")
    int maxQueuedJobs();

    /** Images per backbone forward while caching features; between chunks the job yields to waiting inference. */
    @WithDefault("8")
    int featureChunkSize();

    /** How often this replica looks for queued jobs and for heads published, promoted or deleted by other replicas. */
    @WithDefault("2s")
    Duration pollInterval();

    /** A RUNNING job whose replica has not written a heartbeat for this long is marked FAILED by any replica. */
    @WithDefault("60s")
    Duration staleAfter();

    /**
     * Name of this replica in the job records. Jobs RUNNING under this name when the replica starts were interrupted
     * by its restart and are marked FAILED. Default: the host name (the pod name under Kubernetes).
     */
    Optional<String> replicaId();

    /** Longest time a job step waits for the inference queue to drain before it runs anyway (no job starves). */
    @WithDefault("2s")
    Duration maxYield();

    /**
     * Largest feature cache one job may hold in memory. Jobs that keep every token of every view (unfrozen_blocks
     * &gt; 0, landmark heads) need views × (1 + patches) × width × 4 bytes; an upload that would need more is refused
     * at submission with the numbers, before anything is stored. Default 1 GiB.
     */
    @WithDefault("1073741824")
    long maxTokenCacheBytes();

    /** Upload limits. */
    interface Upload {

        /**
         * Total bytes of all uploaded parts (must not exceed quarkus.http.limits.max-body-size, which answers first).
         */
        @WithDefault("16777216")
        long maxBytes();

        /** Images per job (archive entries or image parts). */
        @WithDefault("2000")
        int maxFiles();

        /** Entries an archive may hold, directories and skipped files included. */
        @WithDefault("4000")
        int maxArchiveEntries();

        /**
         * Total bytes after decompression of one upload's archives, counted while inflating (zip-bomb guard). Images
         * hardly compress, so a real archive expands to about its own size: 4 x max-bytes leaves room. Default 64 MiB.
         */
        @WithDefault("67108864")
        long maxUncompressedBytes();

        /**
         * Largest ratio of uncompressed to compressed bytes, judged for every entry and for each archive as a whole
         * while inflating, each allowed 64 KiB beyond the ratio (zip-bomb guard).
         */
        @WithDefault("100")
        int maxCompressionRatio();

        /**
         * Heap that all uploads in flight on this replica may hold together: uploaded parts (charged before they are
         * read) and inflated archive entries. An upload that would pass it gets 429 with Retry-After. Default 256 MiB.
         */
        @WithDefault("268435456")
        long maxInFlightBytes();

        /**
         * Longest value of a form field of the task spec ({@code kind}, {@code classes}, ...) sent as plain text;
         * longer ones are refused with 413 naming the field. A longer value (a long {@code classes} list) can be
         * sent as a file part instead, which the upload's other limits bound.
         */
        @WithDefault("2048")
        int maxFieldBytes();

        /** Largest encoded image. */
        @WithDefault("10485760")
        long maxImageBytes();

        /** Largest width x height of one image, read from its header before decoding. */
        @WithDefault("16000000")
        long maxImagePixels();

        /** Fewest labelled examples a job accepts. */
        @WithDefault("4")
        int minExamples();
    }

    /** Training defaults. */
    interface Defaults {

        /** Passes over the training examples. */
        @WithDefault("60")
        int epochs();

        /** Peak AdamW learning rate of the head. */
        @WithDefault("0.003")
        double learningRate();

        /** Examples per optimiser step. */
        @WithDefault("64")
        int batchSize();

        /** Share of the examples held out for validation. */
        @WithDefault("0.2")
        double validationSplit();

        /** Augmented views per training image, cached alongside the plain view (0: plain view only). */
        @WithDefault("1")
        int augmentedViews();
    }
}
