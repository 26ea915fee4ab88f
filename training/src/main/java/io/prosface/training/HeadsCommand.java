package io.prosface.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceDatasets;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.eval.DownstreamTask;
import io.prosface.core.eval.HeadFitting;
import io.prosface.core.eval.HeadTrainer;
import io.prosface.core.eval.LabelBudget;
import io.prosface.core.eval.TaskExamples;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.train.DirectorySwap;
import io.prosface.core.train.TaskMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the attribute, expression and landmark heads on a checkpoint's backbone (frozen, or each head with its own
 * copy of the last k blocks) and stores them in it.
 */
@Command(
        name = "heads",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train the task heads (attributes, expression, 68 landmarks) on the frozen teacher backbone of a",
            "checkpoint, from labelled folders, and write them into the checkpoint (or --out). The backbone runs",
            "once per image (cached features); each head then trains in seconds. With --unfrozen-blocks k each",
            "head also trains its own copy of the backbone's last k blocks (stored and served with the head).",
            "A held-out share of each task's samples gives the reported validation metric. Re-running replaces",
            "the heads (version + 1)."
        })
public final class HeadsCommand implements Callable<Integer> {

    /** Images per backbone batch while caching features or tokens. */
    private static final int EXTRACT_BATCH = 64;

    @Option(
            names = "--checkpoint",
            required = true,
            description = "Checkpoint directory (pretrain's <out>/checkpoint).")
    Path checkpoint;

    @Option(
            names = "--labeled",
            required = true,
            description = "Labelled folder [NAME=]DIR (repeatable): synth output (all three tasks), a CelebA root "
                    + "(list_attr_celeba.txt), an expression folder (expressions.csv or labels.csv + images/), or a "
                    + ".pts folder (iBUG 68 points).")
    List<String> labeled = new ArrayList<>();

    @Option(
            names = "--out",
            description = "Write the checkpoint with heads here (default: replace --checkpoint in place).")
    Path out;

    @Option(
            names = "--without-pros-head",
            description =
                    "Leave the ProS head (projection + prototypes) out of the written checkpoint: serving needs only "
                            + "the backbone and the task heads (and their tails): models/default is 22 MB without tails.")
    boolean withoutProsHead;

    @Option(
            names = "--tasks",
            split = ",",
            defaultValue = "attributes,expression,landmarks",
            description = "Heads to train, among those the folders have labels for. (default: ${DEFAULT-VALUE})")
    List<String> tasks;

    @Option(
            names = "--max-samples",
            defaultValue = "5000",
            description =
                    "At most this many labelled samples per task (0 = all). [1000-20000] (default: ${DEFAULT-VALUE})")
    int maxSamples;

    @Option(
            names = "--validation",
            defaultValue = "0.1",
            description = "Held-out share for the reported metric. [0.05-0.2] (default: ${DEFAULT-VALUE})")
    double validation;

    @Option(
            names = "--epochs",
            defaultValue = "100",
            description = "Head epochs over the cached features. [50-300] (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--lr",
            defaultValue = "0.01",
            description = "Head AdamW peak learning rate (cosine decay). [3e-3-3e-2] (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description = "Head batch size. [32-256] (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--min-steps",
            defaultValue = "300",
            description = "Minimum head steps (small label sets). (default: ${DEFAULT-VALUE})")
    int minSteps;

    @Option(
            names = "--unfrozen-blocks",
            defaultValue = "0",
            description = "k: train each head together with its own copy of the backbone's last k blocks, on cached "
                    + "tokens of the frozen first L-k blocks; 0 = heads on the frozen backbone output. Costs: every "
                    + "step runs k blocks forward and backward (about k/L of a fine-tuning step: minutes per head on "
                    + "a CPU instead of seconds), token caches of (1+N)xD floats per image, k blocks more to store "
                    + "per head and to run per request that asks for it. [0-4] (default: ${DEFAULT-VALUE})")
    int unfrozenBlocks;

    @Option(
            names = "--tail-lr-scale",
            defaultValue = "0.1",
            description = "With --unfrozen-blocks: the blocks' learning rate = --lr x this (the copied blocks already "
                    + "compute good features; a fresh head should move more). [0.03-0.3] (default: ${DEFAULT-VALUE})")
    double tailLearningRateScale;

    @Option(names = "--seed", defaultValue = "0", description = "Split and batch order. (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        Device chosen = device.chooseAndLog();
        ImageDecoder decoder = ImageDecoder.withDefaultLimits();
        Map<DownstreamTask, List<FaceDataset>> byTask = new EnumMap<>(DownstreamTask.class);
        List<String> sources = new ArrayList<>();
        for (String spec : labeled) {
            LabeledFolders.Source source = LabeledFolders.open(spec, decoder);
            source.tasks()
                    .forEach((task, dataset) ->
                            byTask.computeIfAbsent(task, t -> new ArrayList<>()).add(dataset));
            sources.add(source.name() + " " + source.tasks().keySet());
        }
        if (tailLearningRateScale < 0) {
            throw new IllegalArgumentException("--tail-lr-scale must be >= 0, got " + tailLearningRateScale);
        }
        HeadTrainer.Settings settings = new HeadTrainer.Settings(
                epochs, minSteps, batchSize, learningRate, 1e-4, unfrozenBlocks > 0 ? tailLearningRateScale : 0, seed);
        try (NDManager manager = NDManager.newBaseManager(chosen)) {
            Checkpoint model = Checkpoint.load(checkpoint, manager);
            int depth = model.config().architecture().depth();
            if (unfrozenBlocks < 0 || unfrozenBlocks > depth) {
                throw new IllegalArgumentException("--unfrozen-blocks " + unfrozenBlocks + " is not in 0.." + depth
                        + ": " + model.config().architecture().name() + " has " + depth + " blocks (0 = heads on the "
                        + "frozen backbone, k = each head with its own copy of the last k blocks)");
            }
            String mode = unfrozenBlocks == 0
                    ? ""
                    : String.format(
                            Locale.ROOT,
                            " with its own last %d blocks (tail lr x%s)",
                            unfrozenBlocks,
                            tailLearningRateScale);
            FacePreprocessor preprocessor = new FacePreprocessor(model.config().preprocessing(), decoder);
            StringBuilder trained = new StringBuilder();
            // the table comes after training, so progress lines of long (tail) runs do not split it
            List<String> rows = new ArrayList<>();
            for (String name : tasks) {
                DownstreamTask task = DownstreamTask.fromLabel(name);
                List<FaceDataset> parts = byTask.get(task);
                if (parts == null) {
                    rows.add("| " + task.label() + " | (no labels in " + sources + ") | | |");
                    continue;
                }
                FaceDataset dataset = parts.size() == 1 ? parts.get(0) : FaceDatasets.concat(parts);
                TaskExamples examples = TaskExamples.read(
                        dataset,
                        task,
                        preprocessor,
                        maxSamples,
                        Runtime.getRuntime().availableProcessors());
                List<Integer> validationIndices = new LabelBudget(validation, 0).select(examples.size(), null, seed);
                List<Integer> trainIndices = complement(examples.size(), validationIndices);
                TaskExamples train = examples.subset(trainIndices, "train");
                TaskExamples held = examples.subset(validationIndices, "validation");
                long started = System.nanoTime();
                HeadFitting.Task fit = new HeadFitting.Task(
                        task.headKind(),
                        train.labelNames(),
                        model.backbone().config().imageSize(),
                        new HeadFitting.Samples(train.pixels(), train.targets()),
                        new HeadFitting.Samples(held.pixels(), held.targets()));
                HeadFitting fitting = HeadFitting.cache(
                        model.backbone(), unfrozenBlocks, fit, EXTRACT_BATCH, new HeadFitting.Listener() {}, manager);
                HeadFitting.Fitted fitted = fitting.train(
                        settings,
                        1,
                        unfrozenBlocks == 0 ? new HeadFitting.Listener() {} : progress(task.label(), System.nanoTime()),
                        manager);
                System.out.printf(
                        Locale.ROOT,
                        "%s head%s: trained in %.0f s%n",
                        task.label(),
                        mode,
                        (System.nanoTime() - started) / 1e9);
                double metric =
                        TaskMetrics.taskMetric(task.headKind(), fitted.validationOutputs(), held.targets(), manager);
                int version = model.config()
                        .head(task.label())
                        .map(existing -> existing.version() + 1)
                        .orElse(1);
                model = model.withHead(
                        new HeadConfig(task.label(), version, task.headKind(), examples.labelNames(), unfrozenBlocks),
                        fitted.head(),
                        fitted.tail());
                rows.add(String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %s %.4f |",
                        task.label(),
                        train.size(),
                        held.size(),
                        task.metricName(),
                        metric));
                trained.append(String.format(
                        Locale.ROOT,
                        "; head %s v%d%s: %d samples of %s, validation %s %.4f",
                        task.label(),
                        version,
                        mode,
                        train.size(),
                        dataset.describe(),
                        task.metricName(),
                        metric));
            }
            System.out.println();
            System.out.println("| head | train samples | validation samples | validation metric |");
            System.out.println("|---|---:|---:|---:|");
            rows.forEach(System.out::println);
            CheckpointConfig config = model.config();
            CheckpointConfig written = config.withRecipe(config.recipe(), config.data() + trained);
            if (withoutProsHead) {
                written = written.withProsHead(null);
            }
            Checkpoint withData = new Checkpoint(
                    written,
                    model.backbone(),
                    withoutProsHead ? null : model.prosHead().orElse(null),
                    model.heads(),
                    model.tails());
            Path target = out != null ? out : checkpoint;
            DirectorySwap.saveCheckpoint(withData, target);
            System.out.println();
            System.out.println("checkpoint with heads " + withData.heads().keySet() + ": " + target);
        }
        return 0;
    }

    /** One line per tenth of the steps: tail training takes minutes, not seconds. */
    private static HeadFitting.Listener progress(String task, long started) {
        return new HeadFitting.Listener() {
            @Override
            public void stepped(long done, long total) {
                long tenth = Math.max(1, total / 10);
                if (done % tenth == 0 || done == total) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %s: step %d/%d (%.0f s)%n",
                            task,
                            done,
                            total,
                            (System.nanoTime() - started) / 1e9);
                }
            }
        };
    }

    private static List<Integer> complement(int size, List<Integer> taken) {
        boolean[] used = new boolean[size];
        taken.forEach(index -> used[index] = true);
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (!used[i]) {
                rest.add(i);
            }
        }
        return rest;
    }
}
