package io.prosface.load;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * report.png: four panels. Closed loop against concurrency (categories, so 1, 4, 16, 64 are evenly spaced):
 * throughput with the in-process ceiling, p50/p99 latency, achieved batch size; and open-loop latency
 * per target rate.
 */
final class Charts {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 440;

    private Charts() {}

    static void write(Report.Run run, Path file) throws IOException {
        List<StepResult> closed = run.steps().stream()
                .filter(step -> step.mode().equals("closed"))
                .toList();
        List<StepResult> open =
                run.steps().stream().filter(step -> step.mode().equals("open")).toList();
        List<String> concurrency = categories(closed, Charts::concurrency);

        CategoryChart throughput = chart("Closed loop: throughput", "calls in flight", "ok / s");
        throughput.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE); // the ceiling line runs along the top
        perProtocol(throughput, closed, concurrency, Charts::concurrency, StepResult::okPerSecond, "", false);
        level(
                throughput,
                String.format("in-process ceiling (batch %d)", run.maxBatchSize()),
                concurrency,
                run.ceiling());

        CategoryChart latency = chart("Closed loop: latency p50 (solid) and p99 (dashed)", "calls in flight", "ms");
        perProtocol(latency, closed, concurrency, Charts::concurrency, StepResult::p50Millis, " p50", false);
        perProtocol(latency, closed, concurrency, Charts::concurrency, StepResult::p99Millis, " p99", true);

        CategoryChart batch = chart("Closed loop: achieved batch size (server)", "calls in flight", "faces / forward");
        perProtocol(
                batch,
                closed,
                concurrency,
                Charts::concurrency,
                step -> step.server().meanBatchSize(),
                "",
                false);
        level(batch, "server max batch size", concurrency, run.maxBatchSize());

        // Nx rates differ in req/s per protocol but share their setting, so the setting is the category
        List<String> rates = categories(open, StepResult::rateSetting);
        CategoryChart openLatency = chart(
                "Open loop: latency from scheduled send, p50 (solid), p99 (dashed)",
                "target rate (Nx: N times the protocol's best closed-loop ok/s)",
                "ms");
        perProtocol(openLatency, open, rates, StepResult::rateSetting, StepResult::p50Millis, " p50", false);
        perProtocol(openLatency, open, rates, StepResult::rateSetting, StepResult::p99Millis, " p99", true);

        List<CategoryChart> charts = new ArrayList<>(List.of(throughput, latency, batch));
        if (!rates.isEmpty()) {
            charts.add(openLatency);
        }
        BitmapEncoder.saveBitmap(
                charts, 2, 2, file.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart chart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        // overlapped: every series at the same x for a category (the default shifts each series sideways)
        chart.getStyler()
                .setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line)
                .setOverlapped(true)
                .setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    private static String concurrency(StepResult step) {
        return Integer.toString(step.concurrency());
    }

    /** One series per protocol over shared categories; a step missing for a category is a gap. */
    private static void perProtocol(
            CategoryChart chart,
            List<StepResult> steps,
            List<String> categories,
            Function<StepResult, String> category,
            ToDoubleFunction<StepResult> value,
            String suffix,
            boolean dashed) {
        int colour = 0;
        for (String protocol : protocols(steps)) {
            List<Double> values = new ArrayList<>();
            for (String wanted : categories) {
                values.add(steps.stream()
                        .filter(step -> step.protocol().equals(protocol)
                                && category.apply(step).equals(wanted))
                        .mapToDouble(value)
                        .findFirst()
                        .orElse(Double.NaN));
            }
            style(chart.addSeries(protocol + suffix, categories, values), colour++, dashed);
        }
    }

    private static void style(CategorySeries series, int colour, boolean dashed) {
        Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
        series.setLineColor(palette[colour % palette.length]);
        series.setMarkerColor(palette[colour % palette.length]);
        series.setMarker(SeriesMarkers.CIRCLE);
        if (dashed) {
            series.setLineStyle(SeriesLines.DASH_DASH);
        }
    }

    private static List<String> protocols(List<StepResult> steps) {
        Set<String> protocols = new LinkedHashSet<>();
        steps.forEach(step -> protocols.add(step.protocol()));
        return new ArrayList<>(protocols);
    }

    private static List<String> categories(List<StepResult> steps, Function<StepResult, String> key) {
        Set<String> categories = new LinkedHashSet<>();
        steps.forEach(step -> categories.add(key.apply(step)));
        return new ArrayList<>(categories);
    }

    /** A dashed grey reference line at {@code value} across all categories. */
    private static void level(CategoryChart chart, String name, List<String> categories, double value) {
        if (categories.isEmpty()) {
            return;
        }
        CategorySeries line = chart.addSeries(name, categories, Collections.nCopies(categories.size(), value));
        line.setMarker(SeriesMarkers.NONE);
        line.setLineStyle(SeriesLines.DASH_DASH);
        line.setLineColor(Color.DARK_GRAY);
    }
}
