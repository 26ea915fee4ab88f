package io.prosface.core.model;

import io.prosface.core.data.Preprocessing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything {@code config.json} of a checkpoint records: the backbone architecture, the preprocessing its inputs
 * need, the ProS head's sizes (absent in a serving-only checkpoint), the task heads, the training recipe (key/value
 * deltas over the defaults, as in the recipe files) and a free-text description of the training data.
 *
 * @param prosHead null when the checkpoint carries no ProS head
 */
public record CheckpointConfig(
        VisionTransformerConfig architecture,
        Preprocessing preprocessing,
        ProsHeadConfig prosHead,
        List<HeadConfig> heads,
        Map<String, String> recipe,
        String data) {

    /** Version of the directory layout and config.json schema written by this code. */
    public static final int FORMAT = 1;

    public CheckpointConfig {
        if (architecture == null || preprocessing == null) {
            throw new IllegalArgumentException("a checkpoint needs an architecture and its preprocessing");
        }
        heads = List.copyOf(heads == null ? List.of() : heads);
        var names = new HashSet<String>();
        for (HeadConfig head : heads) {
            if (!names.add(head.name())) {
                throw new IllegalArgumentException("two heads are named '" + head.name() + "'");
            }
            if (head.tailBlocks() > architecture.depth()) {
                throw new IllegalArgumentException("head '" + head.name() + "': tailBlocks " + head.tailBlocks()
                        + " is not in 1.." + architecture.depth() + " (the depth of " + architecture.name() + ")");
            }
        }
        recipe = Collections.unmodifiableMap(new TreeMap<>(recipe == null ? Map.of() : recipe));
        data = data == null ? "" : data;
    }

    /** A backbone-only config with the variant's ImageNet preprocessing. */
    public static CheckpointConfig of(VisionTransformerConfig architecture) {
        return new CheckpointConfig(
                architecture, Preprocessing.imagenet(architecture.imageSize()), null, List.of(), Map.of(), "");
    }

    public Optional<ProsHeadConfig> prosHeadConfig() {
        return Optional.ofNullable(prosHead);
    }

    public Optional<HeadConfig> head(String name) {
        return heads.stream().filter(head -> head.name().equals(name)).findFirst();
    }

    public CheckpointConfig withProsHead(ProsHeadConfig newProsHead) {
        return new CheckpointConfig(architecture, preprocessing, newProsHead, heads, recipe, data);
    }

    public CheckpointConfig withHeads(List<HeadConfig> newHeads) {
        return new CheckpointConfig(architecture, preprocessing, prosHead, newHeads, recipe, data);
    }

    /** Adds a head, replacing one of the same name. */
    public CheckpointConfig withHead(HeadConfig head) {
        List<HeadConfig> updated = new ArrayList<>(
                heads.stream().filter(h -> !h.name().equals(head.name())).toList());
        updated.add(head);
        return withHeads(updated);
    }

    public CheckpointConfig withRecipe(Map<String, String> newRecipe, String newData) {
        return new CheckpointConfig(architecture, preprocessing, prosHead, heads, newRecipe, newData);
    }

    /** Pretty-printed config.json text. */
    public String toJson() {
        return CheckpointJson.write(this);
    }

    /**
     * Parses config.json text. The architecture must either name a known variant (every number it spells must
     * equal the variant's) or spell every number of a custom one; anything else is refused.
     *
     * @param source file name used in error messages
     */
    public static CheckpointConfig fromJson(String json, String source) throws CheckpointException {
        return CheckpointJson.read(json, source);
    }
}
