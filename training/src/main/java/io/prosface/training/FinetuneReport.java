package io.prosface.training;

import io.prosface.training.report.TrainingPlots;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/** What a fine-tune reports: the columns of its metrics.csv, its console line of losses, and its plots. */
final class FinetuneReport {

    /** The columns of metrics.csv. */
    static final List<String> COLUMNS = List.of(
            "step",
            "epoch",
            "lr",
            "loss",
            "attributes",
            "expression",
            "landmarks",
            "age",
            "img_per_s",
            "val_attributes_accuracy",
            "val_gender_accuracy",
            "val_expression_accuracy",
            "val_landmarks_nme",
            "val_age_mae");

    private FinetuneReport() {}

    /** loss.png, validation.png and age.png of the metrics in {@code series} into {@code plots}. */
    static void writePlots(Path plots, Map<String, double[]> series) {
        TrainingPlots.write(
                plots,
                series,
                List.of(new TrainingPlots.Plot(
                        "loss.png",
                        "multi-task loss",
                        "loss",
                        List.of("loss", "attributes", "expression", "landmarks", "age"))));
        // validation runs every --validate-every steps: plot only those rows
        Map<String, double[]> validated = validatedRows(series);
        TrainingPlots.write(
                plots,
                validated,
                List.of(
                        new TrainingPlots.Plot(
                                "validation.png",
                                "validation (held-apart faces)",
                                "metric",
                                List.of(
                                        "val_attributes_accuracy",
                                        "val_gender_accuracy",
                                        "val_expression_accuracy",
                                        "val_landmarks_nme")),
                        new TrainingPlots.Plot("age.png", "validation age MAE", "years", List.of("val_age_mae"))));
    }

    /** The rows of {@code series} that carry a validation score (the others are NaN there). */
    static Map<String, double[]> validatedRows(Map<String, double[]> series) {
        double[] marker = series.get("val_landmarks_nme");
        Map<String, double[]> kept = new LinkedHashMap<>();
        if (marker == null) {
            return kept;
        }
        int[] rows = IntStream.range(0, marker.length)
                .filter(i -> Double.isFinite(marker[i]))
                .toArray();
        series.forEach((column, values) ->
                kept.put(column, IntStream.of(rows).mapToDouble(i -> values[i]).toArray()));
        return kept;
    }

    /** The losses and scores of a metrics row ("name value ..."), without its step, epoch, rate and speed. */
    static String format(Map<String, Double> row) {
        StringBuilder text = new StringBuilder();
        row.forEach((name, value) -> {
            if (!List.of("step", "epoch", "lr", "img_per_s").contains(name) && !value.isNaN()) {
                text.append(String.format(Locale.ROOT, "%s %.4f ", name, value));
            }
        });
        return text.toString().trim();
    }
}
