package io.prosface.training.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of the training curves. Loss, learning rate, teacher entropy and prototype usage are the collapse
 * detectors of self-distillation: a teacher entropy falling to 0 with usage of one prototype means collapse to a
 * constant; entropy stuck at log K with flat loss means uniform collapse.
 */
public final class TrainingPlots {

    /** One plot: its file name, title, y axis label and the columns drawn on it. */
    public record Plot(String fileName, String title, String yLabel, List<String> columns) {}

    private TrainingPlots() {}

    /** Writes every plot whose columns exist into {@code directory}; returns the files written. */
    public static List<Path> write(Path directory, Map<String, double[]> series, List<Plot> plots) {
        double[] steps = series.get("step");
        List<Path> written = new ArrayList<>();
        if (steps == null || steps.length < 2) {
            return written;
        }
        try {
            Files.createDirectories(directory);
            for (Plot plot : plots) {
                XYChart chart = new XYChartBuilder()
                        .width(720)
                        .height(420)
                        .title(plot.title())
                        .xAxisTitle("step")
                        .yAxisTitle(plot.yLabel())
                        .build();
                chart.getStyler().setLegendVisible(plot.columns().size() > 1);
                chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
                // below the plot: inside, the legend hid the last points of the curves
                boolean any = false;
                for (String column : plot.columns()) {
                    double[] values = series.get(column);
                    if (values == null || !allFinite(values)) {
                        continue;
                    }
                    chart.addSeries(column, steps, values).setMarker(SeriesMarkers.NONE);
                    any = true;
                }
                if (any) {
                    Path file = directory.resolve(plot.fileName());
                    // plots are also written while the JVM shuts down (Ctrl-C ends a run with a checkpoint): ImageIO's
                    // temporary-file cache would register a shutdown hook then, which the JVM refuses
                    javax.imageio.ImageIO.setUseCache(false);
                    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
                    written.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plots into " + directory, e);
        }
        return written;
    }

    private static boolean allFinite(double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }
}
