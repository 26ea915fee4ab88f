package io.prosface.core.eval;

import ai.djl.ndarray.NDManager;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.train.TaskMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The downstream protocol of the ProS paper at our scale: for each backbone (a pretrained checkpoint, the DINO-loss
 * ablation, random initialisation), each task and each label budget, train a head on the selected labelled
 * training samples and report the task metric on a fixed test split. Two modes: a frozen backbone with cached
 * features standardised per channel by the training pool (linear probe, fitted by {@link HeadFitting}, the way
 * jobs and the {@code heads} command fit heads; for landmarks a small per-token probe) and end-to-end fine-tuning
 * (random init + fine-tuning is "supervised from scratch"). Every method sees the same subsets (seeded selection).
 */
public final class EvaluationProtocol {

    /** How the backbone is used. */
    public enum Mode {
        LINEAR("linear"),
        FINETUNE("fine-tune");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Mode parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "linear", "probe", "linear-probe" -> LINEAR;
                case "finetune", "fine-tune" -> FINETUNE;
                default -> throw new IllegalArgumentException("mode must be linear or finetune, got '" + text + "'");
            };
        }
    }

    /**
     * A backbone under evaluation.
     *
     * @param backbone builds a fresh backbone (its own weights) in the given manager; called once per linear-probe
     *     feature pass and once per fine-tuning run
     */
    public record Method(String name, Function<NDManager, VisionTransformer> backbone) {}

    /** The training pool and the test split of one task from one labelled source. */
    public record TaskSplit(String source, DownstreamTask task, TaskExamples train, TaskExamples test) {}

    /**
     * @param fineTuneBudgets budgets also run in fine-tuning mode (it costs a backbone training each)
     */
    public record Settings(
            List<LabelBudget> budgets,
            List<Mode> modes,
            List<LabelBudget> fineTuneBudgets,
            HeadTrainer.Settings probe,
            HeadTrainer.Settings fineTune,
            long seed) {}

    /** One cell of the results table. */
    public record Result(
            String method,
            String mode,
            String source,
            String task,
            String metric,
            boolean higherIsBetter,
            String budget,
            int trainSamples,
            int testSamples,
            double value,
            double seconds) {}

    private EvaluationProtocol() {}

    public static List<Result> run(
            List<Method> methods,
            List<TaskSplit> splits,
            Settings settings,
            NDManager manager,
            Consumer<Result> progress) {
        List<Result> results = new ArrayList<>();
        for (Method method : methods) {
            for (TaskSplit split : splits) {
                if (settings.modes().contains(Mode.LINEAR)) {
                    linear(method, split, settings, manager, result -> {
                        results.add(result);
                        progress.accept(result);
                    });
                }
                if (settings.modes().contains(Mode.FINETUNE)) {
                    for (LabelBudget budget : settings.fineTuneBudgets()) {
                        Result result = fineTune(method, split, budget, settings, manager);
                        results.add(result);
                        progress.accept(result);
                    }
                }
            }
        }
        return results;
    }

    private static void linear(
            Method method, TaskSplit split, Settings settings, NDManager manager, Consumer<Result> sink) {
        try (NDManager methodManager = manager.newSubManager()) {
            long start = System.nanoTime();
            VisionTransformer backbone = method.backbone().apply(methodManager);
            int size = split.train().imageSize();
            CachedFeatures pool =
                    FeatureExtractor.extract(backbone, split.train().pixels(), size, 64, methodManager);
            // standardised by the whole training pool's statistics (images only: no test image, no label)
            FeatureScaler scaler = FeatureScaler.fit(pool);
            CachedFeatures test =
                    FeatureExtractor.extract(backbone, split.test().pixels(), size, 64, methodManager);
            double extraction = (System.nanoTime() - start) / 1e9;
            for (LabelBudget budget : settings.budgets()) {
                long budgetStart = System.nanoTime();
                List<Integer> chosen = select(split, budget, settings.seed());
                TaskExamples train = split.train().subset(chosen, "budget");
                HeadFitting.Task task = new HeadFitting.Task(
                        split.task().headKind(),
                        train.labelNames(),
                        size,
                        new HeadFitting.Samples(List.of(), train.targets()),
                        new HeadFitting.Samples(List.of(), split.test().targets()));
                try (NDManager headManager = methodManager.newSubManager()) {
                    HeadFitting.Fitted fitted = HeadFitting.onFeatures(
                                    task, pool.subset(chosen), test, scaler, headManager)
                            .train(settings.probe(), 1, new HeadFitting.Listener() {}, headManager);
                    double value = TaskMetrics.taskMetric(
                            task.kind(),
                            fitted.validationOutputs(),
                            split.test().targets(),
                            headManager);
                    double seconds = extraction / settings.budgets().size() + (System.nanoTime() - budgetStart) / 1e9;
                    sink.accept(result(method, Mode.LINEAR, split, budget, chosen.size(), value, seconds));
                }
            }
        }
    }

    private static Result fineTune(
            Method method, TaskSplit split, LabelBudget budget, Settings settings, NDManager manager) {
        long start = System.nanoTime();
        List<Integer> chosen = select(split, budget, settings.seed());
        TaskExamples train = split.train().subset(chosen, "budget");
        try (NDManager runManager = manager.newSubManager()) {
            VisionTransformer backbone = method.backbone().apply(runManager);
            io.prosface.core.model.Checkpoint.attachGradients(backbone);
            HeadFitting.Task task = new HeadFitting.Task(
                    split.task().headKind(),
                    train.labelNames(),
                    train.imageSize(),
                    new HeadFitting.Samples(train.pixels(), train.targets()),
                    new HeadFitting.Samples(split.test().pixels(), split.test().targets()));
            HeadFitting.Fitted fitted = HeadFitting.fineTune(backbone, task, settings.fineTune(), runManager);
            double value = TaskMetrics.taskMetric(
                    task.kind(), fitted.validationOutputs(), split.test().targets(), runManager);
            return result(
                    method, Mode.FINETUNE, split, budget, chosen.size(), value, (System.nanoTime() - start) / 1e9);
        }
    }

    private static List<Integer> select(TaskSplit split, LabelBudget budget, long seed) {
        TaskExamples train = split.train();
        return budget.select(train.size(), split.task() == DownstreamTask.EXPRESSION ? train::classOf : null, seed);
    }

    private static Result result(
            Method method, Mode mode, TaskSplit split, LabelBudget budget, int samples, double value, double seconds) {
        DownstreamTask task = split.task();
        return new Result(
                method.name(),
                mode.label(),
                split.source(),
                task.label(),
                task.metricName(),
                task.higherIsBetter(),
                budget.label(),
                samples,
                split.test().size(),
                value,
                seconds);
    }
}
