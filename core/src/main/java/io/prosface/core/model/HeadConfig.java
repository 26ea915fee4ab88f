package io.prosface.core.model;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Identity and outputs of one task head as stored in a checkpoint.
 *
 * @param name unique within a checkpoint; also names the parameter file {@code head-<name>.params}
 * @param version increases each time a head of this name is re-trained and published
 * @param kind what the head predicts
 * @param labelNames output names in index order (attributes, classes, regression targets, landmark points)
 * @param tailBlocks k &gt; 0 when the head carries its own trained copy of the backbone's last k blocks (a {@link
 *     BackboneTail}, stored in {@code tail-<name>.params}) and reads the shared tokens at depth L - k; 0 when it reads
 *     the shared backbone's output
 */
public record HeadConfig(String name, int version, HeadKind kind, List<String> labelNames, int tailBlocks) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    public HeadConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("head name '" + name
                    + "' must be 1-64 characters of a-z, 0-9, '_', '.', '-' starting with a letter or digit");
        }
        if (version < 1) {
            throw new IllegalArgumentException("head " + name + ": version must be >= 1, got " + version);
        }
        if (kind == null || labelNames == null || labelNames.isEmpty()) {
            throw new IllegalArgumentException("head " + name + " needs a kind and at least one label");
        }
        labelNames = List.copyOf(labelNames);
        if (tailBlocks < 0) {
            throw new IllegalArgumentException(
                    "head " + name + ": tailBlocks must be 0 (no tail) or 1..depth, got " + tailBlocks);
        }
    }

    /** A head on the shared backbone output (no tail). */
    public HeadConfig(String name, int version, HeadKind kind, List<String> labelNames) {
        this(name, version, kind, labelNames, 0);
    }

    /** Describes an existing head. */
    public static HeadConfig of(String name, int version, TaskHead head) {
        return new HeadConfig(name, version, head.kind(), head.labelNames());
    }

    /** Number of outputs: classes, attributes, regression targets or landmark points. */
    public int outputs() {
        return labelNames.size();
    }

    /** File holding this head's parameters inside a checkpoint directory. */
    public String parameterFile() {
        return "head-" + name + ".params";
    }

    /** The same head with a tail of {@code blocks} blocks (0: none). */
    public HeadConfig withTailBlocks(int blocks) {
        return new HeadConfig(name, version, kind, labelNames, blocks);
    }

    /** True when the head brings its own last backbone blocks. */
    public boolean hasTail() {
        return tailBlocks > 0;
    }

    /** File holding this head's {@link BackboneTail} inside a checkpoint or head directory. */
    public String tailFile() {
        return "tail-" + name + ".params";
    }

    /** Builds the (uninitialised) head block this config describes. */
    public TaskHead newHead() {
        return TaskHead.create(kind, labelNames);
    }

    /** True when {@code head} has this config's kind and labels, i.e. it can be saved under this config. */
    public boolean describes(TaskHead head) {
        return head.kind() == kind && head.labelNames().equals(labelNames);
    }
}
