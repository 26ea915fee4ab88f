package io.prosface.server.inference.registry;

import ai.djl.nn.Block;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.HeadKind;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One version of a head in the {@link ModelRegistry}, reference counted: the registry holds one reference while the
 * version is current, every batch that uses it holds one more. The native memory ({@code resources}) is freed when
 * the last reference goes, so a swapped-out head finishes the batches that already use it and is closed after.
 */
public final class LoadedHead {

    private static final Logger LOG = Logger.getLogger(LoadedHead.class);

    private final String name;
    private final int version;
    private final HeadKind kind;
    private final FaceTask task;
    private final List<String> labels;
    private final Block block;
    private final BackboneTail tail;
    private final AutoCloseable resources;
    private final AtomicInteger references = new AtomicInteger(1);

    LoadedHead(String name, int version, HeadKind kind, List<String> labels, Block block, AutoCloseable resources) {
        this(name, version, kind, labels, block, null, resources);
    }

    /**
     * @param tail the head's own copy of the backbone's last k blocks (it reads the shared tokens at depth L - k), or
     *     null: the head reads the shared backbone's output
     */
    LoadedHead(
            String name,
            int version,
            HeadKind kind,
            List<String> labels,
            Block block,
            BackboneTail tail,
            AutoCloseable resources) {
        this.name = name;
        this.version = version;
        this.kind = kind;
        this.task = ModelTasks.taskOf(kind);
        this.labels = List.copyOf(labels);
        this.block = block;
        this.tail = tail;
        this.resources = resources;
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    /** {@code name@vN}, as answered to clients. */
    public String key() {
        return name + "@v" + version;
    }

    /** What the head computes, which fixes how its output is turned into answers. */
    public HeadKind kind() {
        return kind;
    }

    /** The task this head can answer. */
    public FaceTask task() {
        return task;
    }

    public List<String> labels() {
        return labels;
    }

    public Block block() {
        return block;
    }

    /** The head's last backbone blocks, or null when it reads the shared backbone output. */
    public BackboneTail tail() {
        return tail;
    }

    /** Takes a reference unless the head is already closed (then the caller looks it up again). */
    boolean tryRetain() {
        for (int count = references.get(); count > 0; count = references.get()) {
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a reference; the last one closes the head's native memory. */
    void release() {
        if (references.decrementAndGet() == 0) {
            try {
                resources.close();
                LOG.infof("closed head %s", key());
            } catch (Exception failure) {
                LOG.warnf(failure, "closing head %s failed", key());
            }
        }
    }

    /** True once the last reference is gone and the native memory is freed. */
    public boolean isClosed() {
        return references.get() <= 0;
    }
}
