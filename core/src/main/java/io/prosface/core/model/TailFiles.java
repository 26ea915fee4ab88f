package io.prosface.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code tail-<name>.params} file of a head that carries its own last backbone blocks, shared by the two places
 * that store such heads: a {@link Checkpoint} (built-in heads) and a {@link HeadArtifact} (a job's head). The file
 * is one {@link BackboneTail} in DJL's parameter format, listed in {@code SHA256SUMS} like every other file.
 */
final class TailFiles {

    private TailFiles() {}

    /** Writes {@code tail} as {@code head}'s tail file into {@code directory}; returns the file name. */
    static String save(HeadConfig head, BackboneTail tail, Path directory) throws IOException {
        ParameterFiles.save(tail, directory.resolve(head.tailFile()));
        return head.tailFile();
    }

    /**
     * Refuses a tail depth outside 1..L or a tail file that {@code SHA256SUMS} does not list, naming {@code source}
     * (the file that declares the tail) and the tail file.
     */
    static void requireListed(
            HeadConfig head, int blocks, VisionTransformerConfig backbone, Map<String, String> sums, String source)
            throws CheckpointException {
        if (blocks < 1 || blocks > backbone.depth()) {
            throw new CheckpointException(source + ": head '" + head.name() + "' has tailBlocks " + blocks
                    + ", not in 1.." + backbone.depth());
        }
        if (!sums.containsKey(head.tailFile())) {
            throw new CheckpointException(source + ": head '" + head.name() + "' has a tail of " + blocks
                    + " blocks but " + head.tailFile() + " is not listed in " + Sha256Sums.FILE_NAME);
        }
    }

    /**
     * Loads {@code head}'s tail of {@code blocks} blocks from {@code directory}; its arrays belong to {@code manager}.
     * The bytes must match their listed checksum and the shapes the architecture gives a tail of that depth; any
     * mismatch is a {@link CheckpointException} naming the file.
     */
    static BackboneTail load(
            HeadConfig head,
            int blocks,
            VisionTransformerConfig backbone,
            Path directory,
            Map<String, String> sums,
            NDManager manager)
            throws CheckpointException {
        BackboneTail tail = new BackboneTail(backbone, blocks);
        // placeholder values before loading: the file overwrites every array
        tail.setInitializer(Initializer.ZEROS, parameter -> true);
        tail.initializeParameters(manager);
        ParameterFiles.load(tail, manager, directory.resolve(head.tailFile()), sums.get(head.tailFile()));
        return tail;
    }
}
