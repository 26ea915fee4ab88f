package io.prosface.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A trained model as a directory: {@code config.json} ({@link CheckpointConfig}), one DJL parameter file per block
 * ({@code backbone.params}, {@code pros-head.params}, {@code head-<name>.params}) and {@code SHA256SUMS} over all of
 * them. Loading checks every checksum and the architecture before it hands anything out; any mismatch, missing or
 * unlisted file is a {@link CheckpointException} naming the file, never a partial model.
 *
 * <p>A task head trained with its own copy of the backbone's last k blocks ({@link HeadConfig#tailBlocks()} = k)
 * also stores that {@link BackboneTail} in {@code tail-<name>.params}; it reads the shared tokens at depth L - k
 * instead of the backbone output. Checkpoints without the field are heads without a tail.
 *
 * <p>Loaded parameters carry no gradient (ready for inference); a trainer re-enables gradients when it initialises
 * the blocks, or call {@link #attachGradients(Block)}.
 */
public final class Checkpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String BACKBONE_FILE = "backbone.params";
    public static final String PROS_HEAD_FILE = "pros-head.params";

    private final CheckpointConfig config;
    private final VisionTransformer backbone;
    private final ProsHead prosHead;
    private final Map<String, TaskHead> heads;
    private final Map<String, BackboneTail> tails;
    private final String backboneSha256;

    /**
     * Bundles initialised blocks with the config that describes them; mismatches are refused here rather than at
     * load time. {@code prosHead} is null exactly when {@code config.prosHead()} is.
     */
    public Checkpoint(
            CheckpointConfig config, VisionTransformer backbone, ProsHead prosHead, Map<String, TaskHead> heads) {
        this(config, backbone, prosHead, heads, Map.of(), null);
    }

    /**
     * As {@link #Checkpoint(CheckpointConfig, VisionTransformer, ProsHead, Map)}, with the tails of the heads whose
     * config has {@code tailBlocks} &gt; 0 (by head name; each of exactly that many blocks of this architecture).
     */
    public Checkpoint(
            CheckpointConfig config,
            VisionTransformer backbone,
            ProsHead prosHead,
            Map<String, TaskHead> heads,
            Map<String, BackboneTail> tails) {
        this(config, backbone, prosHead, heads, tails, null);
    }

    private Checkpoint(
            CheckpointConfig config,
            VisionTransformer backbone,
            ProsHead prosHead,
            Map<String, TaskHead> heads,
            Map<String, BackboneTail> tails,
            String backboneSha256) {
        if (!backbone.config().equals(config.architecture())) {
            throw new IllegalArgumentException(
                    "backbone is " + backbone.config() + " but the config says " + config.architecture());
        }
        if ((prosHead == null) != (config.prosHead() == null)
                || prosHead != null
                        && (!prosHead.config().equals(config.prosHead())
                                || prosHead.inputDim() != backbone.config().embedDim())) {
            throw new IllegalArgumentException("ProS head " + (prosHead == null ? "absent" : prosHead.config())
                    + " does not match the config's " + config.prosHead());
        }
        Map<String, TaskHead> ordered = new LinkedHashMap<>();
        Map<String, BackboneTail> orderedTails = new LinkedHashMap<>();
        for (HeadConfig head : config.heads()) {
            TaskHead block = heads.get(head.name());
            if (block == null || !head.describes(block)) {
                throw new IllegalArgumentException("head '" + head.name() + "' is missing or does not match " + head);
            }
            ordered.put(head.name(), block);
            BackboneTail tail = tails.get(head.name());
            if (head.hasTail() != (tail != null)
                    || tail != null
                            && (tail.blockCount() != head.tailBlocks()
                                    || !tail.config().equals(config.architecture()))) {
                throw new IllegalArgumentException("head '" + head.name() + "' has tailBlocks " + head.tailBlocks()
                        + " but "
                        + (tail == null
                                ? "no tail"
                                : "a tail of " + tail.blockCount() + " blocks of "
                                        + tail.config().name()));
            }
            if (tail != null) {
                orderedTails.put(head.name(), tail);
            }
        }
        if (!ordered.keySet().equals(heads.keySet()) || !ordered.keySet().containsAll(tails.keySet())) {
            throw new IllegalArgumentException("heads " + heads.keySet() + " and tails " + tails.keySet()
                    + " are not all described in the config");
        }
        this.config = config;
        this.backbone = backbone;
        this.prosHead = prosHead;
        this.heads = Collections.unmodifiableMap(ordered);
        this.tails = Collections.unmodifiableMap(orderedTails);
        this.backboneSha256 = backboneSha256;
    }

    /** Fresh, randomly initialised blocks for {@code config} (the start of pretraining), owned by {@code manager}. */
    public static Checkpoint initialized(CheckpointConfig config, NDManager manager) {
        try {
            return build(config, manager, null, null);
        } catch (CheckpointException impossible) {
            throw new IllegalStateException("building without files cannot fail on a file", impossible);
        }
    }

    public CheckpointConfig config() {
        return config;
    }

    public VisionTransformer backbone() {
        return backbone;
    }

    public Optional<ProsHead> prosHead() {
        return Optional.ofNullable(prosHead);
    }

    /** Task heads by name, in config order. */
    public Map<String, TaskHead> heads() {
        return heads;
    }

    /** The head's own last backbone blocks, when its config has {@code tailBlocks} &gt; 0. */
    public Optional<BackboneTail> tail(String headName) {
        return Optional.ofNullable(tails.get(headName));
    }

    /** Tails by head name, in config order (only heads that have one). */
    public Map<String, BackboneTail> tails() {
        return tails;
    }

    /** SHA-256 of the backbone parameter file this checkpoint was loaded from; empty for one built in memory. */
    public Optional<String> backboneSha256() {
        return Optional.ofNullable(backboneSha256);
    }

    /** The same blocks plus {@code head} (replacing a head of the same name, and its tail if it had one). */
    public Checkpoint withHead(HeadConfig headConfig, TaskHead head) {
        return withHead(headConfig, head, null);
    }

    /**
     * The same blocks plus {@code head} with its own last blocks {@code tail} (null: none; must match
     * {@code headConfig.tailBlocks()}), replacing a head of the same name and its tail.
     */
    public Checkpoint withHead(HeadConfig headConfig, TaskHead head, BackboneTail tail) {
        Map<String, TaskHead> updated = new LinkedHashMap<>(heads);
        updated.put(headConfig.name(), head);
        Map<String, BackboneTail> updatedTails = new LinkedHashMap<>(tails);
        updatedTails.remove(headConfig.name());
        if (tail != null) {
            updatedTails.put(headConfig.name(), tail);
        }
        return new Checkpoint(config.withHead(headConfig), backbone, prosHead, updated, updatedTails, backboneSha256);
    }

    /**
     * Writes the checkpoint to {@code directory}, which must not exist or be empty. Files are written to a sibling
     * staging directory and moved into place at the end, so a crash never leaves a half-written checkpoint.
     */
    public void save(Path directory) throws IOException {
        Path target = directory.toAbsolutePath().normalize();
        Path staging = StagedDirectory.create(target);
        try {
            List<String> files = new ArrayList<>();
            Files.writeString(staging.resolve(CONFIG_FILE), config.toJson(), StandardCharsets.UTF_8);
            files.add(CONFIG_FILE);
            ParameterFiles.save(backbone, staging.resolve(BACKBONE_FILE));
            files.add(BACKBONE_FILE);
            if (prosHead != null) {
                ParameterFiles.save(prosHead, staging.resolve(PROS_HEAD_FILE));
                files.add(PROS_HEAD_FILE);
            }
            for (HeadConfig head : config.heads()) {
                ParameterFiles.save(heads.get(head.name()), staging.resolve(head.parameterFile()));
                files.add(head.parameterFile());
                if (head.hasTail()) {
                    files.add(TailFiles.save(head, tails.get(head.name()), staging));
                }
            }
            Sha256Sums.write(staging, files);
            StagedDirectory.publish(staging, target);
        } finally {
            StagedDirectory.discard(staging);
        }
    }

    /**
     * Loads and verifies a checkpoint directory; all arrays belong to a sub-manager of {@code manager} (closed with
     * it). Order of checks: SHA256SUMS present and every listed file intact; config.json valid with a consistent
     * architecture; exactly the parameter files the config needs, each loading with the expected shapes.
     */
    public static Checkpoint load(Path directory, NDManager manager) throws CheckpointException {
        if (!Files.isDirectory(directory)) {
            throw new CheckpointException("not a checkpoint directory: " + directory);
        }
        Map<String, String> sums = Sha256Sums.read(directory);
        for (String file : sums.keySet()) {
            Sha256Sums.verify(directory, sums, file);
        }
        CheckpointConfig config = CheckpointConfig.fromJson(
                new String(Sha256Sums.readVerified(directory, sums, CONFIG_FILE), StandardCharsets.UTF_8),
                directory.resolve(CONFIG_FILE).toString());
        List<String> needed = new ArrayList<>(List.of(BACKBONE_FILE));
        if (config.prosHead() != null) {
            needed.add(PROS_HEAD_FILE);
        }
        for (HeadConfig head : config.heads()) {
            needed.add(head.parameterFile());
            if (head.hasTail()) {
                TailFiles.requireListed(
                        head,
                        head.tailBlocks(),
                        config.architecture(),
                        sums,
                        directory.resolve(CONFIG_FILE).toString());
                needed.add(head.tailFile());
            }
        }
        refuseStrayParameterFiles(directory, sums, needed);
        NDManager loading = manager.newSubManager();
        try {
            return build(config, loading, directory, sums);
        } catch (CheckpointException | RuntimeException failure) {
            loading.close();
            throw failure;
        }
    }

    /** Marks every trainable parameter array as needing a gradient again (after {@link #load}). */
    public static void attachGradients(Block block) {
        for (Parameter parameter : block.getParameters().values()) {
            if (parameter.requiresGradient()) {
                parameter.getArray().setRequiresGradient(true);
            }
        }
    }

    private static void refuseStrayParameterFiles(Path directory, Map<String, String> sums, List<String> needed)
            throws CheckpointException {
        TreeSet<String> present = new TreeSet<>(sums.keySet());
        try (var listing = Files.list(directory)) {
            listing.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".params"))
                    .forEach(present::add);
        } catch (IOException failure) {
            throw new CheckpointException("cannot list " + directory + ": " + failure.getMessage(), failure);
        }
        for (String file : present) {
            if (file.endsWith(".params") && !needed.contains(file)) {
                throw new CheckpointException(directory.resolve(file) + " is not described by " + CONFIG_FILE
                        + " (a head missing from the config, or a leftover): refusing an ambiguous checkpoint");
            }
        }
        for (String file : needed) {
            if (!sums.containsKey(file)) { // listed files were verified already; this one is not listed at all
                throw new CheckpointException(directory.resolve(file) + " is not listed in " + Sha256Sums.FILE_NAME);
            }
        }
    }

    /** Builds the blocks; with a directory, fills them from its (already checksummed) files. */
    private static Checkpoint build(
            CheckpointConfig config, NDManager manager, Path directory, Map<String, String> sums)
            throws CheckpointException {
        boolean loading = directory != null;
        VisionTransformerConfig architecture = config.architecture();
        VisionTransformer backbone = new VisionTransformer(architecture);
        initialize(backbone, loading, () -> backbone.initializeParameters(manager));
        if (loading) {
            ParameterFiles.load(backbone, manager, directory.resolve(BACKBONE_FILE), sums.get(BACKBONE_FILE));
        }
        ProsHead prosHead = null;
        if (config.prosHead() != null) {
            ProsHead head = new ProsHead(architecture.embedDim(), config.prosHead());
            initialize(head, loading, () -> head.initializeParameters(manager));
            if (loading) {
                ParameterFiles.load(head, manager, directory.resolve(PROS_HEAD_FILE), sums.get(PROS_HEAD_FILE));
            }
            prosHead = head;
        }
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        Map<String, BackboneTail> tails = new LinkedHashMap<>();
        for (HeadConfig headConfig : config.heads()) {
            TaskHead head = headConfig.newHead();
            initialize(
                    head,
                    loading,
                    () -> head.initializeParameters(manager, architecture.embedDim(), architecture.numPatches()));
            if (loading) {
                String file = headConfig.parameterFile();
                ParameterFiles.load(head, manager, directory.resolve(file), sums.get(file));
            }
            heads.put(headConfig.name(), head);
            if (headConfig.hasTail()) {
                tails.put(
                        headConfig.name(),
                        loading
                                ? TailFiles.load(
                                        headConfig, headConfig.tailBlocks(), architecture, directory, sums, manager)
                                : BackboneTail.copyOf(backbone, headConfig.tailBlocks(), manager));
            }
        }
        return new Checkpoint(config, backbone, prosHead, heads, tails, loading ? sums.get(BACKBONE_FILE) : null);
    }

    /** Placeholder values before loading are zeros: random init of 65536 prototypes would be wasted work. */
    private static void initialize(Block block, boolean forLoading, Runnable initializer) {
        if (forLoading) {
            block.setInitializer(Initializer.ZEROS, parameter -> true);
        }
        initializer.run();
    }
}
