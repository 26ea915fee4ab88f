package io.prosface.core.model.onnx;

import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How closely an exported model answers like the DJL blocks, per output, in the terms a user notices: equal attribute
 * decisions (p &gt; 0.5), equal top-1 expression or class, landmark distance as a share of the inter-ocular distance
 * (points 36 and 45 of 68; the diagonal of the unit square for other point sets), regression and embedding
 * differences. Pure arithmetic on the flat output arrays of {@link ReferenceOutputs}.
 */
public final class ExportAgreement {

    /** Decisions that must agree: attributes 99%, classes 98% (issue 14's bar). */
    public static final double DECISION_BAR = 0.99;

    public static final double TOP1_BAR = 0.98;
    /** Mean landmark displacement at most 0.2% of the inter-ocular distance. */
    public static final double LANDMARK_BAR = 0.002;

    /**
     * One output's comparison.
     *
     * @param measure what {@code value} is
     * @param value the measured agreement or difference
     * @param passes whether it meets the bar (outputs without a bar always pass)
     * @param maxAbsoluteDifference the largest difference of any single value
     */
    public record Line(String output, String measure, double value, boolean passes, double maxAbsoluteDifference) {

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%-12s %-44s %10.5f  %s  (max |diff| %.2e)",
                    output,
                    measure,
                    value,
                    passes ? "ok  " : "FAIL",
                    maxAbsoluteDifference);
        }
    }

    private ExportAgreement() {}

    /** Compares every output of {@code exported} with {@code reference} for {@code faces} faces. */
    public static List<Line> compare(
            CheckpointConfig config, Map<String, float[]> reference, Map<String, float[]> exported, int faces) {
        List<Line> lines = new ArrayList<>();
        lines.add(embedding(reference.get(OnnxExporter.EMBEDDING), exported.get(OnnxExporter.EMBEDDING), faces));
        for (HeadConfig head : config.heads()) {
            float[] expected = reference.get(head.name());
            float[] actual = exported.get(head.name());
            if (actual == null || actual.length != expected.length) {
                throw new IllegalArgumentException("output '" + head.name() + "' is missing or has "
                        + (actual == null ? 0 : actual.length) + " values, expected " + expected.length);
            }
            double maxDifference = maxAbsoluteDifference(expected, actual);
            lines.add(
                    switch (head.kind()) {
                        case ATTRIBUTES, MULTILABEL -> {
                            double equal = 0;
                            for (int index = 0; index < expected.length; index++) {
                                equal += (expected[index] > 0.5f) == (actual[index] > 0.5f) ? 1 : 0;
                            }
                            double share = equal / expected.length;
                            yield new Line(
                                    head.name(),
                                    "equal decisions (p > 0.5), share",
                                    share,
                                    share >= DECISION_BAR,
                                    maxDifference);
                        }
                        case EXPRESSION, CLASSIFICATION -> {
                            int classes = expected.length / faces;
                            double equal = 0;
                            for (int face = 0; face < faces; face++) {
                                equal += argmax(expected, face * classes, classes)
                                                == argmax(actual, face * classes, classes)
                                        ? 1
                                        : 0;
                            }
                            double share = equal / faces;
                            yield new Line(head.name(), "equal top-1, share", share, share >= TOP1_BAR, maxDifference);
                        }
                        case LANDMARKS -> {
                            double nme = landmarkDifference(expected, actual, faces);
                            yield new Line(
                                    head.name(),
                                    "mean point shift / inter-ocular distance",
                                    nme,
                                    nme <= LANDMARK_BAR,
                                    maxDifference);
                        }
                        case REGRESSION ->
                            new Line(
                                    head.name(),
                                    "mean |difference|",
                                    meanAbsoluteDifference(expected, actual),
                                    true,
                                    maxDifference);
                    });
        }
        return lines;
    }

    /** True when every line passes. */
    /** Adds one batch's outputs (name -> values of its faces) after those gathered so far, for {@link #compare}. */
    public static void append(Map<String, float[]> into, Map<String, float[]> batch) {
        batch.forEach((name, values) -> into.merge(name, values, (previous, next) -> {
            float[] joined = java.util.Arrays.copyOf(previous, previous.length + next.length);
            System.arraycopy(next, 0, joined, previous.length, next.length);
            return joined;
        }));
    }

    public static boolean allPass(List<Line> lines) {
        return lines.stream().allMatch(Line::passes);
    }

    private static Line embedding(float[] expected, float[] actual, int faces) {
        int width = expected.length / faces;
        double lowest = 1;
        for (int face = 0; face < faces; face++) {
            double dot = 0;
            for (int index = face * width; index < (face + 1) * width; index++) {
                dot += expected[index] * actual[index];
            }
            lowest = Math.min(lowest, dot);
        }
        return new Line(
                OnnxExporter.EMBEDDING,
                "lowest cosine similarity",
                lowest,
                true,
                maxAbsoluteDifference(expected, actual));
    }

    /** Mean over faces and points of |p_exported - p_reference| / the reference face's normaliser. */
    static double landmarkDifference(float[] expected, float[] actual, int faces) {
        int points = expected.length / faces / 2;
        double sum = 0;
        for (int face = 0; face < faces; face++) {
            int base = face * points * 2;
            double normaliser = points == 68
                    ? Math.hypot(
                            expected[base + 2 * 45] - expected[base + 2 * 36],
                            expected[base + 2 * 45 + 1] - expected[base + 2 * 36 + 1])
                    : Math.sqrt(2);
            normaliser = Math.max(normaliser, 1e-6);
            for (int point = 0; point < points; point++) {
                int at = base + 2 * point;
                sum += Math.hypot(actual[at] - expected[at], actual[at + 1] - expected[at + 1]) / normaliser;
            }
        }
        return sum / ((double) faces * points);
    }

    private static int argmax(float[] values, int from, int count) {
        int best = from;
        for (int index = from + 1; index < from + count; index++) {
            if (values[index] > values[best]) {
                best = index;
            }
        }
        return best - from;
    }

    private static double maxAbsoluteDifference(float[] expected, float[] actual) {
        double max = 0;
        for (int index = 0; index < expected.length; index++) {
            max = Math.max(max, Math.abs(expected[index] - actual[index]));
        }
        return max;
    }

    private static double meanAbsoluteDifference(float[] expected, float[] actual) {
        double sum = 0;
        for (int index = 0; index < expected.length; index++) {
            sum += Math.abs(expected[index] - actual[index]);
        }
        return sum / expected.length;
    }
}
