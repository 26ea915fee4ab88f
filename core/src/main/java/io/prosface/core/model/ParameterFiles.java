package io.prosface.core.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** One block's parameters in DJL's format, one file per block, loaded only after every check passes. */
final class ParameterFiles {

    private ParameterFiles() {}

    static void save(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    /**
     * Loads {@code file} into an initialised {@code block}. The bytes are hashed while read and must match
     * {@code expectedSha256}; the file must end exactly after the last parameter; every parameter must keep the shape
     * and type the architecture gave it. Any failure is an error naming the file (the caller then discards the block).
     */
    static void load(Block block, NDManager manager, Path file, String expectedSha256) throws CheckpointException {
        Map<String, Shape> expected = shapes(block);
        // free the placeholder arrays now: loading allocates fresh ones
        block.getParameters().values().forEach(Parameter::close);
        MessageDigest digest = Sha256Sums.newDigest();
        try (DataInputStream in = new DataInputStream(
                new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), digest))) {
            block.loadParameters(manager, in);
            if (in.read() != -1) {
                throw new CheckpointException(file + ": unexpected bytes after the last parameter of "
                        + block.getClass().getSimpleName() + " (written by a different architecture?)");
            }
        } catch (MalformedModelException | IOException | RuntimeException failure) {
            if (failure instanceof CheckpointException checkpoint) {
                throw checkpoint;
            }
            throw new CheckpointException(
                    file + ": cannot be loaded into " + block.getClass().getSimpleName() + ": " + failure.getMessage(),
                    failure);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(expectedSha256)) {
            throw Sha256Sums.mismatch(file, actual, expectedSha256);
        }
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            Parameter value = parameter.getValue();
            Shape wanted = expected.get(parameter.getKey());
            if (!value.isInitialized()
                    || !value.getArray().getShape().equals(wanted)
                    || value.getArray().getDataType() != DataType.FLOAT32) {
                throw new CheckpointException(file + ": parameter " + parameter.getKey() + " has "
                        + (value.isInitialized()
                                ? value.getArray().getShape() + " "
                                        + value.getArray().getDataType()
                                : "no value")
                        + " but the architecture needs " + wanted + " float32");
            }
        }
    }

    static Map<String, Shape> shapes(Block block) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            shapes.put(parameter.getKey(), parameter.getValue().getArray().getShape());
        }
        return shapes;
    }
}
