package io.prosface.core.data.readers;

import io.prosface.core.data.Expression;
import io.prosface.core.data.IbugLandmarks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pseudo-labels that public models produced for a face set (distillation targets, never ground truth): 68 iBUG points
 * from dlib's shape predictor ({@code landmarks_dlib.csv}: {@code image,score,box_x,box_y,box_w,box_h,x0,y0,...})
 * and 7-class expression probabilities from face-api.js ({@code expression_faceapi.csv}:
 * {@code image,neutral,happiness,...}). Both are keyed by the image's file name (its last path element), so a
 * folder of links to the set's images finds them. A missing file is an empty table.
 */
public final class TeacherLabels {

    public static final String LANDMARK_FILE = "landmarks_dlib.csv";
    public static final String EXPRESSION_FILE = "expression_faceapi.csv";
    private static final int LANDMARK_FIRST_COLUMN = 6;

    private final Map<String, float[]> landmarks;
    private final Map<String, float[]> expressions;

    private TeacherLabels(Map<String, float[]> landmarks, Map<String, float[]> expressions) {
        this.landmarks = landmarks;
        this.expressions = expressions;
    }

    /** An empty table (a set without teacher files). */
    public static TeacherLabels none() {
        return new TeacherLabels(Map.of(), Map.of());
    }

    /** Reads the teacher files in {@code setFolder} (either may be absent). */
    public static TeacherLabels read(Path setFolder) {
        return new TeacherLabels(
                readLandmarks(setFolder.resolve(LANDMARK_FILE)), readExpressions(setFolder.resolve(EXPRESSION_FILE)));
    }

    /** dlib's 68 points (x0, y0, ...) in pixels of the image, or null when dlib found no face there. */
    public float[] landmarks(String fileName) {
        float[] points = landmarks.get(fileName);
        return points == null ? null : points.clone();
    }

    /** face-api.js's probabilities in {@link Expression} order (sum 1), or null. */
    public float[] expression(String fileName) {
        float[] probabilities = expressions.get(fileName);
        return probabilities == null ? null : probabilities.clone();
    }

    public int landmarkCount() {
        return landmarks.size();
    }

    public int expressionCount() {
        return expressions.size();
    }

    private static Map<String, float[]> readLandmarks(Path file) {
        Map<String, float[]> table = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return table;
        }
        List<String> lines = DataFiles.readLines(file);
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> fields = CsvLine.split(lines.get(i), file, i + 1);
            int expected = LANDMARK_FIRST_COLUMN + 2 * IbugLandmarks.POINT_COUNT;
            if (fields.size() != expected) {
                throw new DatasetFormatException(
                        file, i + 1, "expected " + expected + " columns, got " + fields.size());
            }
            float[] points = new float[2 * IbugLandmarks.POINT_COUNT];
            for (int p = 0; p < points.length; p++) {
                points[p] = number(fields.get(LANDMARK_FIRST_COLUMN + p), file, i + 1);
            }
            table.put(fileName(fields.get(0)), points);
        }
        return table;
    }

    private static Map<String, float[]> readExpressions(Path file) {
        Map<String, float[]> table = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return table;
        }
        List<String> lines = DataFiles.readLines(file);
        List<String> header = CsvLine.split(lines.get(0), file, 1);
        // column of each Expression, by its label, so the file's column order does not matter
        int[] columns = new int[Expression.values().length];
        for (Expression expression : Expression.values()) {
            columns[expression.ordinal()] = header.indexOf(expression.label());
            if (columns[expression.ordinal()] < 0) {
                throw new DatasetFormatException(file, 1, "no column '" + expression.label() + "' in " + header);
            }
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> fields = CsvLine.split(lines.get(i), file, i + 1);
            float[] probabilities = new float[columns.length];
            float sum = 0;
            for (int c = 0; c < columns.length; c++) {
                probabilities[c] = Math.max(0, number(fields.get(columns[c]), file, i + 1));
                sum += probabilities[c];
            }
            if (!(sum > 0)) {
                throw new DatasetFormatException(file, i + 1, "probabilities sum to " + sum);
            }
            for (int c = 0; c < columns.length; c++) {
                probabilities[c] /= sum;
            }
            table.put(fileName(fields.get(0)), probabilities);
        }
        return table;
    }

    private static String fileName(String imagePath) {
        String trimmed = imagePath.trim();
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static float number(String text, Path file, int line) {
        try {
            return Float.parseFloat(text.trim());
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(file, line, "not a number: '" + text + "'");
        }
    }
}
