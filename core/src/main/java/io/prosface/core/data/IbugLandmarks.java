package io.prosface.core.data;

/**
 * The iBUG 300-W 68-point convention (0-based indices, subject's right is the image's left): jaw 0-16,
 * right brow 17-21, left brow 22-26, nose bridge 27-30, nostrils 31-35, right eye 36-41, left eye 42-47, outer lip
 * 48-59, inner lip 60-67. NME divides by the distance between the outer eye corners 36 and 45.
 */
public final class IbugLandmarks {

    public static final int POINT_COUNT = 68;
    public static final int JAW_FIRST = 0;
    public static final int JAW_LAST = 16;
    public static final int RIGHT_BROW_FIRST = 17;
    public static final int LEFT_BROW_LAST = 26;
    public static final int NOSE_FIRST = 27;
    public static final int NOSE_LAST = 35;
    public static final int RIGHT_EYE_FIRST = 36;
    public static final int LEFT_EYE_LAST = 47;
    public static final int MOUTH_FIRST = 48;
    public static final int MOUTH_LAST = 67;
    /** Outer corner of the subject's right eye (image left). */
    public static final int RIGHT_EYE_OUTER_CORNER = 36;
    /** Outer corner of the subject's left eye (image right). */
    public static final int LEFT_EYE_OUTER_CORNER = 45;

    private static final int[] FLIP = buildFlipPermutation();

    private IbugLandmarks() {}

    /**
     * After a horizontal flip, point i of the new face is point {@code permutation[i]} of the old one (the old right
     * eye corner becomes the new left one). The permutation is its own inverse.
     */
    public static int[] flipPermutation() {
        return FLIP.clone();
    }

    /**
     * Mirrors interleaved points across the vertical line x = width/2 (an image of that width flipped horizontally)
     * and, when there are 68 of them, renames left and right with {@link #flipPermutation()}; other point counts
     * need their own permutation (pass null to only mirror).
     */
    public static float[] flipHorizontally(float[] points, float width, int[] permutation) {
        int count = points.length / 2;
        if (permutation != null && permutation.length != count) {
            throw new IllegalArgumentException("permutation for " + permutation.length + " points, got " + count);
        }
        float[] flipped = new float[points.length];
        for (int i = 0; i < count; i++) {
            int from = permutation == null ? i : permutation[i];
            flipped[2 * i] = width - points[2 * from];
            flipped[2 * i + 1] = points[2 * from + 1];
        }
        return flipped;
    }

    /** Flip with the 68-point permutation. */
    public static float[] flipHorizontally(float[] points, float width) {
        if (points.length != 2 * POINT_COUNT) {
            throw new IllegalArgumentException("expected 68 points (136 values), got " + points.length + " values");
        }
        return flipHorizontally(points, width, FLIP);
    }

    /** Distance between the outer eye corners 36 and 45, the NME normaliser. */
    public static double interocularDistance(float[] points) {
        double dx = points[2 * LEFT_EYE_OUTER_CORNER] - points[2 * RIGHT_EYE_OUTER_CORNER];
        double dy = points[2 * LEFT_EYE_OUTER_CORNER + 1] - points[2 * RIGHT_EYE_OUTER_CORNER + 1];
        return Math.hypot(dx, dy);
    }

    private static int[] buildFlipPermutation() {
        int[] permutation = new int[POINT_COUNT];
        for (int i = 0; i < POINT_COUNT; i++) {
            permutation[i] = i; // points on the symmetry axis (nose bridge 27-30, 33, 51, 57, 62, 66) stay
        }
        for (int i = 0; i <= 16; i++) {
            permutation[i] = 16 - i; // jaw
        }
        for (int i = 17; i <= 26; i++) {
            permutation[i] = 43 - i; // brows: 17 <-> 26 ... 21 <-> 22
        }
        for (int i = 31; i <= 35; i++) {
            permutation[i] = 66 - i; // nostrils: 31 <-> 35, 32 <-> 34
        }
        // eyes: the upper lids run outward-to-inward on the right eye and inward-to-outward on the left eye
        swap(permutation, 36, 45);
        swap(permutation, 37, 44);
        swap(permutation, 38, 43);
        swap(permutation, 39, 42);
        swap(permutation, 40, 47);
        swap(permutation, 41, 46);
        for (int i = 48; i <= 54; i++) {
            permutation[i] = 102 - i; // outer upper lip: 48 <-> 54, 49 <-> 53, 50 <-> 52
        }
        for (int i = 55; i <= 59; i++) {
            permutation[i] = 114 - i; // outer lower lip: 55 <-> 59, 56 <-> 58
        }
        for (int i = 60; i <= 64; i++) {
            permutation[i] = 124 - i; // inner upper lip: 60 <-> 64, 61 <-> 63
        }
        permutation[65] = 67; // inner lower lip
        permutation[67] = 65;
        return permutation;
    }

    private static void swap(int[] permutation, int a, int b) {
        permutation[a] = b;
        permutation[b] = a;
    }
}
