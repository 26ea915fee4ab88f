package io.prosface.training.report;

import io.prosface.core.train.PretrainingRun;
import io.prosface.core.train.StepMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the user sees and keeps of a pretraining run: a progress bar (ETA, steps/s, images/s, loss), one CSV row
 * every few steps ({@code metrics.csv}) and PNG plots of the collapse detectors, refreshed at each checkpoint.
 */
public final class PretrainReporter implements PretrainingRun.Listener, AutoCloseable {

    public static final List<String> COLUMNS = List.of(
            "step",
            "epoch",
            "loss",
            "lr",
            "weight_decay",
            "teacher_momentum",
            "teacher_temperature",
            "teacher_entropy",
            "max_entropy",
            "prototype_usage",
            "prototype_perplexity",
            "grad_norm",
            "images_per_second");

    private static final List<TrainingPlots.Plot> PLOTS = List.of(
            new TrainingPlots.Plot("loss.png", "Prototype matching loss", "cross-entropy (nats)", List.of("loss")),
            new TrainingPlots.Plot("lr.png", "Learning rate (student AdamW)", "lr", List.of("lr")),
            new TrainingPlots.Plot(
                    "teacher-entropy.png",
                    "Teacher entropy (0: one prototype; log K: uniform)",
                    "nats",
                    List.of("teacher_entropy", "max_entropy")),
            new TrainingPlots.Plot(
                    "prototype-usage.png",
                    "Prototypes in use (argmax count, perplexity)",
                    "prototypes",
                    List.of("prototype_usage", "prototype_perplexity")));

    private final Path runDirectory;
    private final int logEvery;
    private final boolean progressBar;
    private final PrintStream log;
    private MetricsLog metrics;
    private ProgressBar bar;
    private long totalSteps;

    /**
     * @param logEvery CSV row interval in steps
     * @param progressBar draw a bar (else one plain line per logged row, for logs and CI)
     */
    public PretrainReporter(Path runDirectory, int logEvery, boolean progressBar, PrintStream log) {
        this.runDirectory = runDirectory;
        this.logEvery = Math.max(1, logEvery);
        this.progressBar = progressBar;
        this.log = log;
    }

    @Override
    public void started(long firstStep, long totalSteps, long stepsPerEpoch, String device) {
        this.totalSteps = totalSteps;
        metrics = new MetricsLog(runDirectory.resolve("metrics.csv"), COLUMNS, firstStep);
        log.printf(
                Locale.ROOT,
                "training steps %d..%d of %d (%d per epoch) on %s%n",
                firstStep,
                totalSteps - 1,
                totalSteps,
                stepsPerEpoch,
                device);
        if (progressBar) {
            bar = new ProgressBarBuilder()
                    .setTaskName("pretrain")
                    .setInitialMax(totalSteps)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(1000)
                    .showSpeed()
                    .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                    .startsFrom(firstStep, Duration.ZERO)
                    .build();
        }
    }

    @Override
    public void stepFinished(StepMetrics step, double imagesPerSecond) {
        if (bar != null) {
            bar.stepTo(step.step() + 1);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f | %.0f img/s", step.loss(), imagesPerSecond));
        }
        boolean lastStep = step.step() + 1 == totalSteps;
        if (step.step() % logEvery == 0 || lastStep) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("step", (double) step.step());
            row.put("epoch", (double) step.epoch());
            row.put("loss", step.loss());
            row.put("lr", step.learningRate());
            row.put("weight_decay", step.weightDecay());
            row.put("teacher_momentum", step.teacherMomentum());
            row.put("teacher_temperature", step.teacherTemperature());
            row.put("teacher_entropy", step.teacherEntropy());
            row.put("max_entropy", step.maxEntropy());
            row.put("prototype_usage", (double) step.prototypeUsage());
            row.put("prototype_perplexity", step.prototypePerplexity());
            row.put("grad_norm", step.gradientNorm());
            row.put("images_per_second", imagesPerSecond);
            metrics.append(row);
            if (bar == null) {
                log.printf(
                        Locale.ROOT,
                        "step %d (%d/%d) epoch %d loss %.4f lr %.2e entropy %.3f usage %d %.1f img/s%n",
                        step.step(),
                        step.step() + 1,
                        totalSteps,
                        step.epoch(),
                        step.loss(),
                        step.learningRate(),
                        step.teacherEntropy(),
                        step.prototypeUsage(),
                        imagesPerSecond);
            }
        }
    }

    @Override
    public void checkpointWritten(Path checkpoint, long nextStep) {
        writePlots();
        String line = "checkpoint after step " + nextStep + ": " + checkpoint;
        if (bar != null) {
            bar.setExtraMessage(" saved step " + nextStep);
        } else {
            log.println(line);
        }
    }

    /** Writes the PNG plots from every row so far; returns them. */
    public List<Path> writePlots() {
        return metrics == null
                ? List.of()
                : TrainingPlots.write(runDirectory.resolve("plots"), metrics.series(), PLOTS);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
