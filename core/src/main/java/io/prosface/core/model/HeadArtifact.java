package io.prosface.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.training.initializer.Initializer;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One task head published on its own (a few-shot job's result): a directory with {@code head.json} (the head's
 * {@link HeadConfig} plus the backbone it was trained on), {@code head-<name>.params} and {@code SHA256SUMS}. Loading
 * verifies the checksums and refuses a head trained on a different backbone architecture or, when both sides know
 * it, on different backbone weights.
 *
 * <p>A head fine-tuned together with the last k backbone blocks also carries that {@link BackboneTail}:
 * {@code "tailBlocks": k} in {@code head.json} and its weights in {@code tail-<name>.params}, listed in
 * {@code SHA256SUMS} like every other file. It reads the backbone's tokens at depth L - k.
 */
public final class HeadArtifact {

    public static final String HEAD_FILE = "head.json";

    /**
     * A verified head and its description.
     *
     * @param tail the head's own last backbone blocks, or null when it reads the shared backbone's output
     */
    public record Loaded(HeadConfig config, TaskHead head, BackboneTail tail) {}

    private HeadArtifact() {}

    /**
     * @param backboneSha256 SHA-256 of the backbone parameter file the head was trained on, or null if unknown
     */
    public static void save(
            Path directory, HeadConfig config, TaskHead head, VisionTransformerConfig backbone, String backboneSha256)
            throws IOException {
        save(directory, config, head, null, backbone, backboneSha256);
    }

    /**
     * @param tail the last backbone blocks trained with the head, or null for a frozen-backbone head
     * @param backboneSha256 SHA-256 of the backbone parameter file the head was trained on, or null if unknown
     */
    public static void save(
            Path directory,
            HeadConfig config,
            TaskHead head,
            BackboneTail tail,
            VisionTransformerConfig backbone,
            String backboneSha256)
            throws IOException {
        if (tail != null && !sameArchitecture(tail.config(), backbone)) {
            throw new IllegalArgumentException(
                    "tail of " + tail.config().name() + " does not belong to " + backbone.name());
        }
        int blocks = tail == null ? 0 : tail.blockCount();
        if (config.tailBlocks() != 0 && config.tailBlocks() != blocks) {
            throw new IllegalArgumentException("head " + config.name() + " says tailBlocks " + config.tailBlocks()
                    + " but comes with " + (tail == null ? "no tail" : "a tail of " + blocks + " blocks"));
        }
        config = config.withTailBlocks(blocks);
        if (!config.describes(head)) {
            throw new IllegalArgumentException(
                    "head (" + head.kind() + ", " + head.labelNames() + ") does not match " + config);
        }
        JsonObject root = new JsonObject();
        root.addProperty("format", CheckpointConfig.FORMAT);
        root.add("backbone", CheckpointJson.architecture(backbone));
        if (backboneSha256 != null) {
            root.addProperty("backboneSha256", backboneSha256);
        }
        root.add("head", CheckpointJson.head(config));
        if (tail != null) {
            root.addProperty("tailBlocks", tail.blockCount());
        }
        Path target = directory.toAbsolutePath().normalize();
        Path staging = StagedDirectory.create(target);
        try {
            Files.writeString(
                    staging.resolve(HEAD_FILE),
                    new GsonBuilder()
                                    .setPrettyPrinting()
                                    .disableHtmlEscaping()
                                    .create()
                                    .toJson(root) + "\n",
                    StandardCharsets.UTF_8);
            ParameterFiles.save(head, staging.resolve(config.parameterFile()));
            List<String> files = new java.util.ArrayList<>(List.of(HEAD_FILE, config.parameterFile()));
            if (tail != null) {
                files.add(TailFiles.save(config, tail, staging));
            }
            Sha256Sums.write(staging, files);
            StagedDirectory.publish(staging, target);
        } finally {
            StagedDirectory.discard(staging);
        }
    }

    /**
     * Loads a head for a running backbone. Arrays belong to a sub-manager of {@code manager}.
     *
     * @param backboneSha256 SHA-256 of the serving backbone's parameter file, or null to skip that check
     */
    public static Loaded load(
            Path directory, NDManager manager, VisionTransformerConfig backbone, String backboneSha256)
            throws CheckpointException {
        Map<String, String> sums = Sha256Sums.read(directory);
        for (String file : sums.keySet()) {
            Sha256Sums.verify(directory, sums, file);
        }
        String source = directory.resolve(HEAD_FILE).toString();
        String json = new String(Sha256Sums.readVerified(directory, sums, HEAD_FILE), StandardCharsets.UTF_8);
        HeadConfig config;
        int tailBlocks = 0;
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            VisionTransformerConfig trainedOn =
                    CheckpointJson.readArchitecture(root.getAsJsonObject("backbone"), source);
            if (!sameArchitecture(trainedOn, backbone)) {
                throw new CheckpointException(source + ": head was trained on " + trainedOn.name() + " " + trainedOn
                        + " but the backbone is " + backbone);
            }
            if (backboneSha256 != null
                    && root.has("backboneSha256")
                    && !root.get("backboneSha256").getAsString().equals(backboneSha256)) {
                throw new CheckpointException(source + ": head was trained on backbone weights "
                        + root.get("backboneSha256").getAsString() + ", the serving backbone is " + backboneSha256);
            }
            config = CheckpointJson.readHead(root.getAsJsonObject("head"), source);
            // the artifact's top-level "tailBlocks" is authoritative (artifacts before built-in tails have only it)
            if (root.has("tailBlocks")) {
                tailBlocks = root.get("tailBlocks").getAsInt();
                TailFiles.requireListed(config, tailBlocks, backbone, sums, source);
            }
            if (config.hasTail() && config.tailBlocks() != tailBlocks) {
                throw new CheckpointException(source + ": the head says tailBlocks " + config.tailBlocks()
                        + " but the artifact says " + tailBlocks);
            }
            config = config.withTailBlocks(tailBlocks);
        } catch (JsonParseException
                | IllegalStateException
                | IllegalArgumentException
                | ClassCastException
                | NullPointerException bad) {
            throw new CheckpointException(source + ": invalid head description: " + bad.getMessage(), bad);
        }
        NDManager loading = manager.newSubManager();
        try {
            TaskHead head = config.newHead();
            head.setInitializer(Initializer.ZEROS, parameter -> true);
            head.initializeParameters(loading, backbone.embedDim(), backbone.numPatches());
            String file = config.parameterFile();
            ParameterFiles.load(head, loading, directory.resolve(file), sums.get(file));
            BackboneTail tail =
                    tailBlocks > 0 ? TailFiles.load(config, tailBlocks, backbone, directory, sums, loading) : null;
            return new Loaded(config, head, tail);
        } catch (CheckpointException | RuntimeException failure) {
            loading.close();
            throw failure;
        }
    }

    /** Equal in everything that shapes the features; dropPath only regularises training. */
    private static boolean sameArchitecture(VisionTransformerConfig left, VisionTransformerConfig right) {
        return left.name().equals(right.name())
                && left.imageSize() == right.imageSize()
                && left.patchSize() == right.patchSize()
                && left.embedDim() == right.embedDim()
                && left.depth() == right.depth()
                && left.numHeads() == right.numHeads()
                && left.mlpRatio() == right.mlpRatio();
    }
}
