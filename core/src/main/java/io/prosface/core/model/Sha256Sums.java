package io.prosface.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code SHA256SUMS} file of a checkpoint or head directory, in the format of coreutils' {@code sha256sum}
 * ({@code <64 hex>  <file>} per line), so {@code sha256sum -c SHA256SUMS} checks a directory by hand too.
 */
public final class Sha256Sums {

    public static final String FILE_NAME = "SHA256SUMS";
    // "  " = text mode, " *" = binary mode; both mean the same bytes on Linux
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *]([^/\\\\]+)");

    private Sha256Sums() {}

    /** Writes the checksums of {@code files} (names inside {@code directory}) to its SHA256SUMS. */
    public static void write(Path directory, List<String> files) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String file : files.stream().sorted().toList()) {
            text.append(digest(directory.resolve(file)))
                    .append("  ")
                    .append(file)
                    .append('\n');
        }
        Files.writeString(directory.resolve(FILE_NAME), text, StandardCharsets.UTF_8);
    }

    /** File name to lower-case hex digest, as listed; a missing or malformed list is an error naming it. */
    public static Map<String, String> read(Path directory) throws CheckpointException {
        Path listFile = directory.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            throw new CheckpointException("missing " + listFile + ": refusing to load unverifiable files");
        } catch (IOException failure) {
            throw new CheckpointException("cannot read " + listFile + ": " + failure.getMessage(), failure);
        }
        Map<String, String> sums = new TreeMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()
                    || matcher.group(2).equals("..")
                    || matcher.group(2).equals(".")) {
                throw new CheckpointException(listFile + ": malformed line '" + line + "'");
            }
            if (sums.put(matcher.group(2), matcher.group(1).toLowerCase()) != null) {
                throw new CheckpointException(listFile + ": " + matcher.group(2) + " is listed twice");
            }
        }
        return sums;
    }

    /** Checks one listed file; missing, unlisted or changed files are errors naming the file. */
    public static void verify(Path directory, Map<String, String> sums, String file) throws CheckpointException {
        String expected = sums.get(file);
        Path path = directory.resolve(file);
        if (expected == null) {
            throw new CheckpointException(path + " is not listed in " + FILE_NAME);
        }
        if (!Files.isRegularFile(path)) {
            throw new CheckpointException("missing " + path + " (listed in " + FILE_NAME + ")");
        }
        String actual;
        try {
            actual = digest(path);
        } catch (IOException failure) {
            throw new CheckpointException("cannot read " + path + ": " + failure.getMessage(), failure);
        }
        if (!actual.equals(expected)) {
            throw mismatch(path, actual, expected);
        }
    }

    /** Reads a listed file once and checks those very bytes, so what is parsed is what was verified. */
    public static byte[] readVerified(Path directory, Map<String, String> sums, String file)
            throws CheckpointException {
        Path path = directory.resolve(file);
        if (!sums.containsKey(file)) {
            throw new CheckpointException(path + " is not listed in " + FILE_NAME);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException missing) {
            throw new CheckpointException("missing " + path + " (listed in " + FILE_NAME + ")");
        } catch (IOException failure) {
            throw new CheckpointException("cannot read " + path + ": " + failure.getMessage(), failure);
        }
        String actual = HexFormat.of().formatHex(newDigest().digest(bytes));
        if (!actual.equals(sums.get(file))) {
            throw mismatch(path, actual, sums.get(file));
        }
        return bytes;
    }

    static CheckpointException mismatch(Path path, String actual, String expected) {
        return new CheckpointException("checksum mismatch for " + path + ": SHA-256 is " + actual + ", " + FILE_NAME
                + " says " + expected + " (file changed or corrupted)");
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String digest(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }
}
