package io.prosface.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a valid input, the classic set of a mutation fuzzer: bit flips, byte insertion and deletion,
 * truncation, duplication of a chunk, and corruption of a length field (an int of 1, 2 or 4 bytes, either byte order,
 * overwritten with a boundary value). One input gets 1 to 3 of them stacked; {@link Mutant#description()} says which,
 * so a failing input can be understood and, with its seed and index, regenerated.
 */
final class ByteMutator {

    /** A mutated input and the mutations that made it. */
    record Mutant(byte[] bytes, String description) {}

    /** Boundary values for length and size fields (0, 1, sign bits, all ones, a little over typical limits). */
    private static final long[] BOUNDARIES = {
        0,
        1,
        0x7f,
        0x80,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        0xffff,
        0x10000,
        0x7fffffffL,
        0x80000000L,
        0xffffffffL,
        16_000_001,
        50_000
    };

    private ByteMutator() {}

    static Mutant mutate(byte[] seed, SplittableRandom random) {
        byte[] bytes = seed;
        List<String> steps = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int step = 0; step < count; step++) {
            int kind = random.nextInt(6);
            int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            switch (kind) {
                case 0 -> {
                    bytes = bytes.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int flip = 0; flip < flips && bytes.length > 0; flip++) {
                        int position = random.nextInt(bytes.length);
                        bytes[position] ^= (byte) (1 << random.nextInt(8));
                    }
                    steps.add(flips + " bit flips");
                }
                case 1 -> {
                    byte[] inserted = new byte[1 + random.nextInt(32)];
                    for (int index = 0; index < inserted.length; index++) {
                        // half random, half the bytes parsers care about most (0x00, 0xFF, 0x7F, 0x80)
                        inserted[index] = random.nextBoolean()
                                ? (byte) random.nextInt(256)
                                : (byte) new int[] {0x00, 0xff, 0x7f, 0x80}[random.nextInt(4)];
                    }
                    bytes = splice(bytes, at, at, inserted);
                    steps.add("insert " + inserted.length + " @" + at);
                }
                case 2 -> {
                    int length = Math.min(bytes.length - at, 1 + random.nextInt(64));
                    bytes = splice(bytes, at, at + length, new byte[0]);
                    steps.add("delete " + length + " @" + at);
                }
                case 3 -> {
                    bytes = Arrays.copyOf(bytes, at);
                    steps.add("truncate to " + at);
                }
                case 4 -> {
                    int length = Math.min(bytes.length - at, 1 + random.nextInt(256));
                    byte[] chunk = Arrays.copyOfRange(bytes, at, at + length);
                    int to = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
                    bytes = splice(bytes, to, to, chunk);
                    steps.add("duplicate " + length + " @" + at + " to @" + to);
                }
                default -> {
                    int width = new int[] {1, 2, 4}[random.nextInt(3)];
                    if (at + width > bytes.length) {
                        break;
                    }
                    long value =
                            random.nextInt(4) == 0 ? random.nextLong() : BOUNDARIES[random.nextInt(BOUNDARIES.length)];
                    boolean bigEndian = random.nextBoolean();
                    bytes = bytes.clone();
                    for (int index = 0; index < width; index++) {
                        int shift = 8 * (bigEndian ? width - 1 - index : index);
                        bytes[at + index] = (byte) (value >>> shift);
                    }
                    steps.add("length field " + width + (bigEndian ? "BE" : "LE") + "="
                            + Long.toHexString(value & (width == 4 ? 0xffffffffL : (1L << (8 * width)) - 1)) + " @"
                            + at);
                }
            }
        }
        return new Mutant(bytes, String.join(", ", steps));
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + replacement.length);
        out.write(bytes, 0, from);
        out.write(replacement, 0, replacement.length);
        out.write(bytes, to, bytes.length - to);
        return out.toByteArray();
    }
}
