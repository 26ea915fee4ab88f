package io.prosface.server.inference.registry;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.CheckpointException;
import io.prosface.core.model.HeadArtifact;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.server.error.ServingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The served model: one backbone plus named, versioned heads ({@code name@vN}) and a default head per task. A head
 * published by a job with unfrozen blocks, or a checkpoint's built-in head trained that way, brings its own copy of
 * the backbone's last k blocks ({@link LoadedHead#tail()}), loaded, frozen and freed together with it.
 *
 * <p>Hot swap: {@link #addVersion} loads a head version off the request path and publishes it in one volatile write
 * of an immutable map, so a batch sees either the old or the new version, never a mix ({@link #install} does the
 * same for the checkpoint's built-in heads at startup). A version that stops being served ({@link #removeVersion}, or
 * one that {@link #install} replaces) is retired: it stays usable by batches that already hold it and is closed when
 * the last of them is done ({@link LoadedHead} counts references).
 */
public final class ModelRegistry implements AutoCloseable {

    /**
     * Immutable view published atomically: current head per name, default head name per task, and the other loaded
     * versions by {@code name@vN} (few-shot heads keep older versions servable; see {@link #addVersion}).
     */
    private record Snapshot(
            Map<String, LoadedHead> heads, Map<FaceTask, String> defaults, Map<String, LoadedHead> others) {
        Snapshot(Map<String, LoadedHead> heads, Map<FaceTask, String> defaults) {
            this(heads, defaults, Map.of());
        }
    }

    private final String modelVersion;
    private final Preprocessing preprocessing;
    private final VisionTransformerConfig architecture;
    private final String backboneSha256;
    private final VisionTransformer backbone;
    private final NDManager manager;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /**
     * @param modelVersion identifies the checkpoint in answers and logs
     * @param backboneSha256 checksum of the backbone weights (heads trained on other weights are refused), or null
     * @param backbone the ViT: images (B, 3, S, S) -> classToken (B, D), patchTokens (B, N, D)
     * @param manager owns the backbone's (and the checkpoint heads') arrays; closed by {@link #close}
     */
    public ModelRegistry(
            String modelVersion,
            Preprocessing preprocessing,
            VisionTransformerConfig architecture,
            String backboneSha256,
            VisionTransformer backbone,
            NDManager manager) {
        this.modelVersion = modelVersion;
        this.preprocessing = preprocessing;
        this.architecture = architecture;
        this.backboneSha256 = backboneSha256;
        this.backbone = backbone;
        this.manager = manager;
    }

    /**
     * A head's tail, frozen for serving (null: none); it reads the ViT's token states at depth L - k.
     */
    private static BackboneTail servableTail(BackboneTail tail) {
        if (tail == null) {
            return null;
        }
        tail.freezeParameters(true);
        return tail;
    }

    /** The served backbone's architecture (depth bounds the unfrozen blocks of a job). */
    public VisionTransformerConfig architecture() {
        return architecture;
    }

    /** Arrays held by the model's manager and its children (a leak check for tests: constant under traffic). */
    public int managedArrayCount() {
        return manager instanceof BaseNDManager base ? base.getManagedArrays().size() : -1;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public VisionTransformer backbone() {
        return backbone;
    }

    /**
     * Publishes version {@code version} of head {@code name} (it must be newer than the current one); it becomes the
     * task's default if the task has none or {@code makeDefault} is set.
     *
     * @param resources frees the head's native memory once it is retired and no batch uses it any more
     */
    public LoadedHead install(
            String name,
            int version,
            HeadKind kind,
            List<String> labels,
            Block block,
            AutoCloseable resources,
            boolean makeDefault) {
        return install(name, version, kind, labels, block, null, resources, makeDefault);
    }

    /**
     * {@link #install(String, int, HeadKind, List, Block, AutoCloseable, boolean)} for a head that brings its own last
     * backbone blocks (a checkpoint's built-in head trained with unfrozen blocks): the tail is frozen here and served
     * through the same path as a job head's tail.
     *
     * @param tail the head's own last k blocks, or null when it reads the shared backbone output
     */
    public LoadedHead install(
            String name,
            int version,
            HeadKind kind,
            List<String> labels,
            Block block,
            BackboneTail tail,
            AutoCloseable resources,
            boolean makeDefault) {
        return install(new LoadedHead(name, version, kind, labels, block, servableTail(tail), resources), makeDefault);
    }

    private synchronized LoadedHead install(LoadedHead head, boolean makeDefault) {
        String name = head.name();
        int version = head.version();
        HeadKind kind = head.kind();
        FaceTask task = head.task();
        Snapshot current = snapshot;
        LoadedHead previous = current.heads().get(name);
        if (previous != null && previous.kind() != kind) {
            throw new IllegalArgumentException("head " + name + " is a " + previous.kind() + " head, not " + kind);
        }
        if (previous != null && version <= previous.version()) {
            throw new IllegalArgumentException(
                    "head " + name + "@v" + version + " is not newer than the loaded " + previous.key());
        }
        Map<String, LoadedHead> heads = new LinkedHashMap<>(current.heads());
        heads.put(name, head);
        Map<FaceTask, String> defaults = new EnumMap<>(FaceTask.class);
        defaults.putAll(current.defaults());
        if (makeDefault || !defaults.containsKey(task)) {
            defaults.put(task, name);
        }
        snapshot = new Snapshot(Map.copyOf(heads), Map.copyOf(defaults), current.others());
        if (previous != null) {
            previous.release();
        }
        return head;
    }

    // ---- versions kept side by side (hook for io.prosface.server.finetune: published few-shot heads) ----

    /** SHA-256 of the served backbone weights, or null when the checkpoint does not record it. */
    public String backboneSha256() {
        return backboneSha256;
    }

    /**
     * Loads a head artifact off the request path and adds it as one more servable version of its name: it becomes
     * the name's current version when {@code makeCurrent} is set or the name has none; otherwise it is served only
     * to requests naming {@code name@vN}. Versions already loaded stay servable until {@link #removeVersion}. This is
     * how a new head version is installed at run time (published jobs, the shared store, tests alike).
     */
    public LoadedHead addVersion(Path directory, boolean makeCurrent) throws CheckpointException {
        NDManager headManager = manager.newSubManager();
        try {
            HeadArtifact.Loaded loaded = HeadArtifact.load(directory, headManager, architecture, backboneSha256);
            loaded.head().freezeParameters(true);
            BackboneTail tail = servableTail(loaded.tail());
            return addVersion(
                    new LoadedHead(
                            loaded.config().name(),
                            loaded.config().version(),
                            loaded.config().kind(),
                            loaded.config().labelNames(),
                            loaded.head(),
                            tail,
                            headManager),
                    makeCurrent);
        } catch (CheckpointException | RuntimeException failure) {
            headManager.close();
            throw failure;
        }
    }

    synchronized LoadedHead addVersion(LoadedHead head, boolean makeCurrent) {
        Snapshot current = snapshot;
        LoadedHead previous = current.heads().get(head.name());
        if (previous != null && previous.kind() != head.kind()) {
            throw new IllegalArgumentException(
                    "head " + head.name() + " is a " + previous.kind() + " head, not " + head.kind());
        }
        if ((previous != null && previous.version() == head.version())
                || current.others().containsKey(head.key())) {
            throw new IllegalArgumentException("head " + head.key() + " is already loaded");
        }
        Map<String, LoadedHead> heads = new LinkedHashMap<>(current.heads());
        Map<String, LoadedHead> others = new LinkedHashMap<>(current.others());
        if (previous == null || makeCurrent) {
            heads.put(head.name(), head);
            if (previous != null) {
                others.put(previous.key(), previous);
            }
        } else {
            others.put(head.key(), head);
        }
        Map<FaceTask, String> defaults = new EnumMap<>(FaceTask.class);
        defaults.putAll(current.defaults());
        defaults.putIfAbsent(head.task(), head.name());
        snapshot = new Snapshot(Map.copyOf(heads), Map.copyOf(defaults), Map.copyOf(others));
        return head;
    }

    /** Makes a loaded version its name's current one; false when that version is not loaded. */
    public synchronized boolean promote(String name, int version) {
        Snapshot current = snapshot;
        LoadedHead chosen = current.others().get(name + "@v" + version);
        if (chosen == null) {
            LoadedHead head = current.heads().get(name);
            return head != null && head.version() == version;
        }
        Map<String, LoadedHead> heads = new LinkedHashMap<>(current.heads());
        Map<String, LoadedHead> others = new LinkedHashMap<>(current.others());
        others.remove(chosen.key());
        LoadedHead previous = heads.put(name, chosen);
        if (previous != null) {
            others.put(previous.key(), previous);
        }
        snapshot = new Snapshot(Map.copyOf(heads), current.defaults(), Map.copyOf(others));
        return true;
    }

    /**
     * Stops serving one version; batches already using it finish, then its memory is freed. When it was current, the
     * newest other loaded version of the name takes over (none left: the name disappears, and so does a task default
     * that pointed at it). False when the version is not loaded.
     */
    public synchronized boolean removeVersion(String name, int version) {
        Snapshot current = snapshot;
        Map<String, LoadedHead> heads = new LinkedHashMap<>(current.heads());
        Map<String, LoadedHead> others = new LinkedHashMap<>(current.others());
        Map<FaceTask, String> defaults = new EnumMap<>(FaceTask.class);
        defaults.putAll(current.defaults());
        LoadedHead removed = others.remove(name + "@v" + version);
        if (removed == null) {
            LoadedHead head = heads.get(name);
            if (head == null || head.version() != version) {
                return false;
            }
            removed = heads.remove(name);
            others.values().stream()
                    .filter(other -> other.name().equals(name))
                    .max(java.util.Comparator.comparingInt(LoadedHead::version))
                    .ifPresent(successor -> {
                        others.remove(successor.key());
                        heads.put(name, successor);
                    });
            if (!heads.containsKey(name)) {
                defaults.values().removeIf(name::equals);
            }
        }
        snapshot = new Snapshot(Map.copyOf(heads), Map.copyOf(defaults), Map.copyOf(others));
        removed.release();
        return true;
    }

    /** Every loaded version, current or not. */
    public List<LoadedHead> allVersions() {
        Snapshot current = snapshot;
        List<LoadedHead> all = new ArrayList<>(current.heads().values());
        all.addAll(current.others().values());
        return all;
    }

    /**
     * The head that would answer {@code task} now ({@code selector} null: the task's default head; for
     * {@link FaceTask#AGE} the head named {@value FaceTask#AGE_HEAD}). NOT_FOUND for an unknown name or version;
     * INVALID_ARGUMENT for a head of another kind, or a task without a default head.
     */
    public LoadedHead resolve(FaceTask task, HeadSelector selector) {
        Snapshot current = snapshot;
        String name = selector != null ? selector.name() : defaultName(current, task);
        if (name == null && task == FaceTask.AGE) {
            throw ServingException.invalidArgument("age needs the built-in regression head '" + FaceTask.AGE_HEAD
                    + "' (one output, years), which the served model does not have; loaded: " + keys(current));
        }
        if (name == null) {
            throw ServingException.invalidArgument("no default " + task.label() + " head is loaded; choose "
                    + ModelTasks.expectedKind(task) + " from " + keys(current));
        }
        LoadedHead head = current.heads().get(name);
        if (head == null) {
            throw ServingException.notFound("unknown head '" + name + "'; loaded: " + keys(current));
        }
        if (selector != null
                && selector.version().isPresent()
                && selector.version().getAsInt() != head.version()) {
            head = current.others().get(name + "@v" + selector.version().getAsInt());
            if (head == null) {
                throw ServingException.notFound("head " + selector + " is not loaded; current version is "
                        + current.heads().get(name).key());
            }
        }
        if (!ModelTasks.serves(head, task)) {
            throw ServingException.invalidArgument("head " + head.key() + " is a " + head.kind() + " head"
                    + (task == FaceTask.AGE ? " with " + head.labels().size() + " outputs" : "") + "; " + task.label()
                    + " needs " + ModelTasks.expectedKind(task));
        }
        return head;
    }

    /** {@link #resolve} plus a reference the caller must {@link #release}; retries across a concurrent swap. */
    public LoadedHead retain(FaceTask task, HeadSelector selector) {
        while (true) {
            LoadedHead head = resolve(task, selector);
            if (head.tryRetain()) {
                return head;
            }
            Thread.onSpinWait();
        }
    }

    public void release(LoadedHead head) {
        head.release();
    }

    /** Current heads (one version per name). */
    public List<LoadedHead> heads() {
        return new ArrayList<>(snapshot.heads().values());
    }

    /** True when {@code task} can be answered without choosing a head (for age: the model has a fitting 'age' head). */
    public boolean hasHeadFor(FaceTask task) {
        if (task == FaceTask.AGE) {
            LoadedHead age = snapshot.heads().get(FaceTask.AGE_HEAD);
            return age != null && ModelTasks.serves(age, FaceTask.AGE);
        }
        return task == FaceTask.EMBEDDING || snapshot.defaults().containsKey(task);
    }

    /** The head a task uses when the request names none, or null. */
    private static String defaultName(Snapshot snapshot, FaceTask task) {
        if (task == FaceTask.AGE) {
            return snapshot.heads().containsKey(FaceTask.AGE_HEAD) ? FaceTask.AGE_HEAD : null;
        }
        return snapshot.defaults().get(task);
    }

    private static List<String> keys(Snapshot snapshot) {
        return snapshot.heads().values().stream().map(LoadedHead::key).toList();
    }

    /** Retires every head (each closes after its last batch) and frees the backbone. */
    @Override
    public synchronized void close() throws Exception {
        Snapshot last = snapshot;
        snapshot = new Snapshot(Map.of(), Map.of());
        last.heads().values().forEach(LoadedHead::release);
        last.others().values().forEach(LoadedHead::release);
        manager.close();
    }
}
