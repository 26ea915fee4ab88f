package io.prosface.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.eval.DownstreamTask;
import io.prosface.core.eval.EvaluationProtocol;
import io.prosface.core.eval.HeadTrainer;
import io.prosface.core.eval.LabelBudget;
import io.prosface.core.eval.TaskExamples;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.CheckpointException;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.synthetic.SyntheticDatasetWriter;
import io.prosface.core.synthetic.SyntheticFaceGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The downstream evaluation protocol: checkpoints and baselines × tasks × label budgets × modes. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Downstream evaluation as in the ProS paper, at our scale: for each checkpoint and baseline",
            "(random init; random init + fine-tune = supervised from scratch; a loss=dino checkpoint is the ablation),",
            "each task with labels (attributes: mean accuracy; expression: accuracy; landmarks: NME, lower is better)",
            "and each label budget, train a head and test it on a held-out split. Modes: linear (frozen backbone,",
            "cached features; fast) and finetune (end to end; slow: one backbone training per cell).",
            "Prints markdown tables and writes <out>/results.json and <out>/results.md."
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Option(
            names = "--checkpoint",
            description = "Checkpoint to evaluate, NAME=DIR or DIR (repeatable), e.g. ProS=runs/default/checkpoint "
                    + "DINO-loss=runs/dino/checkpoint.")
    List<String> checkpoints = new ArrayList<>();

    @Option(
            names = "--random-init",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Include the random-initialisation baseline; --no-random-init leaves it out (default: on).")
    boolean randomInit;

    @Option(names = "--architecture", description = "Backbone of the random baseline when no --checkpoint is given.")
    String architecture;

    @Option(
            names = "--labeled",
            description = "Labelled folder [NAME=]DIR (repeatable): synth output, CelebA root, expression folder, "
                    + ".pts folder. Real data: --labeled celeba=../shared/data/celeba --labeled expr=../shared/data/facial_expressions "
                    + "--labeled lfpw=../shared/data/lfpw/train")
    List<String> labeled = new ArrayList<>();

    @Option(
            names = "--synthetic-count",
            defaultValue = "0",
            description =
                    "Also generate a held-out synthetic set of N face crops (all three tasks). [1000-4000] (default: ${DEFAULT-VALUE})")
    int syntheticCount;

    @Option(
            names = "--synthetic-seed",
            defaultValue = "9001",
            description =
                    "Seed of that held-out set: keep it away from the pretraining and head seeds. (default: ${DEFAULT-VALUE})")
    long syntheticSeed;

    @Option(
            names = "--budgets",
            split = ",",
            defaultValue = "1%,10%,100%",
            description =
                    "Label budgets of the training pool: N%% or K-shot (K per class for expression, K images otherwise). (default: ${DEFAULT-VALUE})")
    List<String> budgets;

    @Option(
            names = "--modes",
            split = ",",
            defaultValue = "linear",
            description = "linear and/or finetune. (default: ${DEFAULT-VALUE})")
    List<String> modes;

    @Option(
            names = "--finetune-budgets",
            split = ",",
            defaultValue = "10%",
            description =
                    "Budgets also run in finetune mode (each is a full backbone training). (default: ${DEFAULT-VALUE})")
    List<String> fineTuneBudgets;

    @Option(
            names = "--max-train",
            defaultValue = "2000",
            description = "Training pool per task (before budgets). [500-10000] (default: ${DEFAULT-VALUE})")
    int maxTrain;

    @Option(
            names = "--max-test",
            defaultValue = "1000",
            description = "Test split per task. [200-5000] (default: ${DEFAULT-VALUE})")
    int maxTest;

    @Option(
            names = "--probe-epochs",
            defaultValue = "100",
            description = "Head epochs on cached features (at least 300 steps). [50-300] (default: ${DEFAULT-VALUE})")
    int probeEpochs;

    @Option(
            names = "--finetune-epochs",
            defaultValue = "10",
            description = "Fine-tuning epochs (at least 100 steps). [5-50] (default: ${DEFAULT-VALUE})")
    int fineTuneEpochs;

    @Option(
            names = "--probe-lr",
            defaultValue = "0.01",
            description =
                    "Peak AdamW learning rate of heads on cached features (cosine decay). [3e-3-3e-2] (default: ${DEFAULT-VALUE})")
    double probeLearningRate;

    @Option(
            names = "--finetune-lr",
            defaultValue = "0.0005",
            description =
                    "Peak learning rate of the head when fine-tuning; the backbone gets a tenth. [1e-4-1e-3] (default: ${DEFAULT-VALUE})")
    double fineTuneLearningRate;

    @Option(
            names = "--probe-min-steps",
            defaultValue = "300",
            description = "Minimum head steps on cached features, for tiny budgets. (default: ${DEFAULT-VALUE})")
    int probeMinSteps;

    @Option(
            names = "--finetune-min-steps",
            defaultValue = "100",
            description = "Minimum fine-tuning steps. (default: ${DEFAULT-VALUE})")
    int fineTuneMinSteps;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Splits, budgets, head init and batch order. (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "Output folder for results.json and results.md.")
    Path out;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        Device chosen = device.chooseAndLog();
        Files.createDirectories(out);
        ImageDecoder decoder = ImageDecoder.withDefaultLimits();
        List<EvaluationProtocol.Method> methods = new ArrayList<>();
        CheckpointConfig reference = null;
        for (String spec : checkpoints) {
            int equals = spec.indexOf('=');
            String name = equals > 0
                    ? spec.substring(0, equals)
                    : Path.of(spec).getParent().getFileName().toString();
            Path directory = Path.of(equals > 0 ? spec.substring(equals + 1) : spec);
            CheckpointConfig config = peek(directory);
            if (reference != null && !config.preprocessing().equals(reference.preprocessing())) {
                throw new IllegalArgumentException(directory + " uses other preprocessing than the first checkpoint");
            }
            reference = reference == null ? config : reference;
            methods.add(new EvaluationProtocol.Method(name, manager -> load(directory, manager)));
        }
        VisionTransformerConfig randomArchitecture = reference != null
                ? reference.architecture()
                : VisionTransformerConfig.variant(architecture == null ? "vit_tiny_patch8_64" : architecture);
        if (randomInit) {
            methods.add(new EvaluationProtocol.Method("random init", manager -> {
                Engine.getInstance().setRandomSeed((int) seed);
                VisionTransformer backbone = new VisionTransformer(randomArchitecture);
                backbone.initializeParameters(manager);
                return backbone;
            }));
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: give --checkpoint or keep the random baseline");
        }
        Preprocessing preprocessing =
                reference != null ? reference.preprocessing() : Preprocessing.imagenet(randomArchitecture.imageSize());
        FacePreprocessor preprocessor = new FacePreprocessor(preprocessing, decoder);
        List<EvaluationProtocol.TaskSplit> splits = splits(preprocessor, decoder);
        EvaluationProtocol.Settings settings = new EvaluationProtocol.Settings(
                budgets.stream().map(LabelBudget::parse).toList(),
                modes.stream().map(EvaluationProtocol.Mode::parse).toList(),
                fineTuneBudgets.stream().map(LabelBudget::parse).toList(),
                new HeadTrainer.Settings(probeEpochs, probeMinSteps, 64, probeLearningRate, 1e-4, 0, seed),
                new HeadTrainer.Settings(fineTuneEpochs, fineTuneMinSteps, 32, fineTuneLearningRate, 0.05, 0.1, seed),
                seed);
        List<EvaluationProtocol.Result> results;
        try (NDManager manager = NDManager.newBaseManager(chosen)) {
            results = EvaluationProtocol.run(
                    methods,
                    splits,
                    settings,
                    manager,
                    result -> System.out.printf(
                            java.util.Locale.ROOT,
                            "  %s / %s / %s %s / %s (n=%d): %s %.4f (%.0f s)%n",
                            result.method(),
                            result.mode(),
                            result.source(),
                            result.task(),
                            result.budget(),
                            result.trainSamples(),
                            result.metric(),
                            result.value(),
                            result.seconds()));
        }
        String markdown = ResultTables.markdown(results);
        System.out.println();
        System.out.println(markdown);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
                "methods", methods.stream().map(EvaluationProtocol.Method::name).toList());
        json.put("checkpoints", checkpoints);
        json.put(
                "sources",
                splits.stream()
                        .map(split -> split.source() + " " + split.task().label() + ": train pool "
                                + split.train().size() + ", test "
                                + split.test().size() + " (" + split.train().description() + ")")
                        .toList());
        json.put("seed", seed);
        json.put("results", results);
        Files.writeString(
                out.resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(json),
                StandardCharsets.UTF_8);
        Files.writeString(out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve("results.json") + " and results.md");
        return 0;
    }

    private List<EvaluationProtocol.TaskSplit> splits(FacePreprocessor preprocessor, ImageDecoder decoder)
            throws IOException {
        List<String> specs = new ArrayList<>(labeled);
        if (syntheticCount > 0) {
            Path synthetic = out.resolve("synthetic-" + syntheticSeed + "-" + syntheticCount + "-face");
            if (!Files.isRegularFile(synthetic.resolve("synthetic.json"))) {
                // face crops drawn sharp at the checkpoint's margin (the samples would be cut so anyway, see
                // TaskExamples)
                int size = Math.max(64, preprocessor.imageSize());
                SyntheticFaceGenerator generator = SyntheticFaceGenerator.faceCrops(
                        size, preprocessor.preprocessing().faceMargin());
                new SyntheticDatasetWriter(
                                generator,
                                SyntheticDatasetWriter.ImageFormat.JPG,
                                Runtime.getRuntime().availableProcessors())
                        .write(synthetic, syntheticSeed, syntheticCount);
            }
            specs.add("synthetic=" + synthetic);
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no labelled data: give --labeled DIR or --synthetic-count N");
        }
        List<EvaluationProtocol.TaskSplit> splits = new ArrayList<>();
        int threads = Runtime.getRuntime().availableProcessors();
        for (String spec : specs) {
            LabeledFolders.Source source = LabeledFolders.open(spec, decoder);
            for (Map.Entry<DownstreamTask, FaceDataset> entry : source.tasks().entrySet()) {
                TaskExamples all =
                        TaskExamples.read(entry.getValue(), entry.getKey(), preprocessor, maxTrain + maxTest, threads);
                int testCount = Math.min(maxTest, Math.max(1, all.size() / 5));
                List<Integer> test = new LabelBudget(0, testCount).select(all.size(), null, seed + 17);
                List<Integer> train = new ArrayList<>();
                boolean[] isTest = new boolean[all.size()];
                test.forEach(index -> isTest[index] = true);
                for (int i = 0; i < all.size() && train.size() < maxTrain; i++) {
                    if (!isTest[i]) {
                        train.add(i);
                    }
                }
                splits.add(new EvaluationProtocol.TaskSplit(
                        source.name(), entry.getKey(), all.subset(train, "train"), all.subset(test, "test")));
                System.out.println(
                        "data " + source.name() + " " + entry.getKey().label() + ": train pool " + train.size()
                                + ", test " + test.size() + " of " + all.description());
            }
        }
        return splits;
    }

    private static CheckpointConfig peek(Path directory) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Checkpoint.load(directory, manager).config();
        } catch (CheckpointException e) {
            throw new IllegalArgumentException("cannot load checkpoint " + directory + ": " + e.getMessage(), e);
        }
    }

    private static VisionTransformer load(Path directory, NDManager manager) {
        try {
            return Checkpoint.load(directory, manager).backbone();
        } catch (CheckpointException e) {
            throw new UncheckedIOException(new IOException("cannot load " + directory + ": " + e.getMessage(), e));
        }
    }
}
