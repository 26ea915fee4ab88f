package io.prosface.core.data.readers;

import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An expression CSV with a header naming the columns {@code image} and {@code expression} (other columns are
 * ignored), images resolved against a folder. Labels map case-insensitively onto our 7 {@link Expression}s,
 * including common synonyms (happy, sad, angry, surprised, fearful, disgusted); classes we do not model
 * (contempt) are dropped and counted per label; any other label is an error naming the file and line.
 */
public final class ExpressionCsvReader {

    /** Labels of other taxonomies that are dropped rather than refused. */
    public static final Set<String> DROPPED_LABELS = Set.of("contempt");

    private static final Map<String, Expression> SYNONYMS = Map.of(
            "happy",
            Expression.HAPPINESS,
            "sad",
            Expression.SADNESS,
            "angry",
            Expression.ANGER,
            "surprised",
            Expression.SURPRISE,
            "fearful",
            Expression.FEAR,
            "disgusted",
            Expression.DISGUST,
            "neutrality",
            Expression.NEUTRAL,
            "surprize",
            Expression.SURPRISE);

    private ExpressionCsvReader() {}

    /** Reads {@code csv}; rows whose image is missing in {@code imageFolder} are dropped as "missing image". */
    public static ImageFileDataset read(Path csv, Path imageFolder, ImageDecoder decoder) {
        DataFiles.requireDirectory(imageFolder);
        List<String> lines = DataFiles.readLines(csv);
        if (lines.isEmpty()) {
            throw new DatasetFormatException(csv, 1, "empty file, expected a header 'image,expression'");
        }
        List<String> header = CsvLine.split(lines.get(0), csv, 1);
        int imageColumn = column(header, "image", csv);
        int expressionColumn = column(header, "expression", csv);
        List<Path> images = new ArrayList<>();
        List<Expression> expressions = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> fields = CsvLine.split(lines.get(i), csv, i + 1);
            if (fields.size() != header.size()) {
                throw new DatasetFormatException(
                        csv, i + 1, "expected " + header.size() + " columns, got " + fields.size());
            }
            String label = fields.get(expressionColumn).trim().toLowerCase(Locale.ROOT);
            if (DROPPED_LABELS.contains(label)) {
                DataFiles.count(dropped, label);
                continue;
            }
            Expression expression = parse(label, csv, i + 1);
            Path image = imageFolder.resolve(fields.get(imageColumn).trim());
            if (!Files.isRegularFile(image)) {
                DataFiles.count(dropped, "missing image");
                continue;
            }
            images.add(image);
            expressions.add(expression);
        }
        return new ImageFileDataset(
                "expressions " + csv,
                imageFolder,
                images,
                index -> new FaceLabels(null, expressions.get(index), null, null, null, null),
                decoder,
                dropped);
    }

    /** Our expression for a label of any supported spelling, or an error naming the file and line. */
    static Expression parse(String label, Path csv, int line) {
        String lower = label.trim().toLowerCase(Locale.ROOT);
        Expression synonym = SYNONYMS.get(lower);
        if (synonym != null) {
            return synonym;
        }
        try {
            return Expression.fromLabel(lower);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(
                    csv,
                    line,
                    "unknown expression '" + label + "'; known: " + Expression.labels() + " (and synonyms "
                            + SYNONYMS.keySet() + "), dropped: " + DROPPED_LABELS);
        }
    }

    private static int column(List<String> header, String name, Path csv) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).trim().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new DatasetFormatException(csv, 1, "header has no '" + name + "' column: " + header);
    }
}
