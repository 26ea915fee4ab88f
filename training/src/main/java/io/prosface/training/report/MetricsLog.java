package io.prosface.training.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training metrics as CSV rows (one per logged step) plus an in-memory copy for the plots. On resume the existing
 * file is read back and appended to, so one run's curves stay in one file.
 */
public final class MetricsLog implements AutoCloseable {

    private final Path file;
    private final List<String> columns;
    private final List<double[]> rows = new ArrayList<>();
    private final BufferedWriter writer;

    /**
     * Opens (or continues) {@code file}. Rows at or after {@code fromStep} are dropped from an existing file, because a
     * resumed run repeats them.
     */
    public MetricsLog(Path file, List<String> columns, long fromStep) {
        if (!columns.get(0).equals("step")) {
            throw new IllegalArgumentException("first column must be 'step'");
        }
        this.file = file;
        this.columns = List.copyOf(columns);
        try {
            List<String> kept = new ArrayList<>();
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!lines.isEmpty() && lines.get(0).equals(String.join(",", columns))) {
                    for (String line : lines.subList(1, lines.size())) {
                        double[] values = parse(line);
                        if (values.length == columns.size() && values[0] < fromStep) {
                            rows.add(values);
                            kept.add(line);
                        }
                    }
                }
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            writer = Files.newBufferedWriter(
                    file,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            writer.write(String.join(",", columns));
            writer.newLine();
            for (String line : kept) {
                writer.write(line);
                writer.newLine();
            }
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
    }

    private static double[] parse(String line) {
        String[] parts = line.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                values[i] = Double.NaN;
            }
        }
        return values;
    }

    /** Appends one row; the map must hold every column. */
    public void append(Map<String, Double> metrics) {
        double[] row = new double[columns.size()];
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Double value = metrics.get(columns.get(i));
            if (value == null) {
                throw new IllegalArgumentException("metrics row lacks column '" + columns.get(i) + "'");
            }
            row[i] = value;
            if (i > 0) {
                line.append(',');
            }
            line.append(format(value));
        }
        rows.add(row);
        try {
            writer.write(line.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.6g", value);
    }

    public List<String> columns() {
        return columns;
    }

    /** Column values in row order. */
    public Map<String, double[]> series() {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            double[] values = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                values[r] = rows.get(r)[c];
            }
            series.put(columns.get(c), values);
        }
        return series;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
