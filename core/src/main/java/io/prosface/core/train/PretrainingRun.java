package io.prosface.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.prosface.core.data.FaceBatchLoader;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.augment.MultiCropAugmentation;
import io.prosface.core.data.augment.MultiCropViews;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.ProsHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.bf16.Bfloat16Autocast;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A whole ProS pretraining run: builds student and EMA teacher, feeds multi-crop batches from a parallel loader,
 * runs {@link ProsPretrainer} steps, and writes periodic checkpoints (the teacher, in the serving format, under
 * {@code checkpoint/}) plus the state for {@code --resume} (under {@code resume/}).
 *
 * <p>Reproducible: data order and augmentation are functions of (seed, epoch, image), and the engine's random
 * generator (drop path) is re-seeded from (seed, step) before every step, so a resumed run sees the same batches
 * and the same drop-path masks as an uninterrupted one.
 */
public final class PretrainingRun {

    public static final String CHECKPOINT_DIRECTORY = "checkpoint";
    public static final String RESUME_DIRECTORY = "resume";

    /** Progress callbacks (the CLI draws its progress bar, CSV and plots from these). */
    public interface Listener {
        default void started(long firstStep, long totalSteps, long stepsPerEpoch, String device) {}

        void stepFinished(StepMetrics metrics, double imagesPerSecond);

        default void checkpointWritten(Path checkpoint, long nextStep) {}
    }

    /**
     * The run's end: steps executed in total (resumed ones included) and the last checkpoint; {@code stopped} when
     * {@link #requestStop} ended it before the schedule's end (then {@code --resume} continues from {@code steps}).
     */
    public record Result(long steps, Path checkpoint, StepMetrics last, boolean stopped) {}

    private final PretrainingSettings settings;
    private final FaceDataset data;
    private final Device device;
    private final Path output;
    private final Map<String, String> recipe;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    /**
     * @param recipe recipe deltas, stored in the checkpoint's config.json and the resume state
     * @param output run directory; receives {@code checkpoint/} and {@code resume/}
     */
    public PretrainingRun(
            PretrainingSettings settings, FaceDataset data, Device device, Path output, Map<String, String> recipe) {
        if (data.size() < settings.batchSize()) {
            throw new IllegalArgumentException("the data has " + data.size() + " images, fewer than one batch of "
                    + settings.batchSize() + "; lower batch.size or add images");
        }
        this.settings = settings;
        this.data = data;
        this.device = device;
        this.output = output;
        this.recipe = Map.copyOf(recipe);
    }

    /**
     * Asks the run to end after the step in progress: it then saves the checkpoint and the resume state of that step,
     * as a periodic save would, and returns. Safe from any thread (e.g. a shutdown hook on Ctrl-C or SIGTERM).
     */
    public void requestStop() {
        stopRequested.set(true);
    }

    public long stepsPerEpoch() {
        return data.size() / settings.batchSize();
    }

    /** Total steps of the run: epochs × steps per epoch, capped by max.steps. */
    public long totalSteps() {
        long scheduled = settings.epochs() * stepsPerEpoch();
        return settings.maxSteps() > 0 ? Math.min(scheduled, settings.maxSteps()) : scheduled;
    }

    /**
     * Trains from step 0, or from the saved state in {@code output/resume} when {@code resume} is set.
     *
     * @throws IllegalStateException when the loss becomes NaN or infinite (nothing is saved for that step)
     */
    public Result run(boolean resume, Listener listener) {
        long stepsPerEpoch = stepsPerEpoch();
        long totalSteps = totalSteps();
        Engine.getInstance().setRandomSeed((int) settings.seed());
        try (NDManager manager = NDManager.newBaseManager(device);
                Bfloat16Autocast autocast =
                        settings.precision() == PretrainingSettings.Precision.BF16 ? new Bfloat16Autocast() : null) {
            BackboneWithHead student = network(settings.studentArchitecture(), manager);
            BackboneWithHead teacher = network(settings.architecture(), manager);
            // null keeps the float32 blocks; the parameters, their gradients, AdamW and the EMA are float32 either way
            student.backbone().useBlockForward(autocast);
            teacher.backbone().useBlockForward(autocast);
            EmaTeacher networks = new EmaTeacher(student, teacher);
            long firstStep = 0;
            Path resumeDirectory = output.resolve(RESUME_DIRECTORY);
            if (resume) {
                PretrainingState.Position position = PretrainingState.readPosition(resumeDirectory);
                if (position.seed() != settings.seed()) {
                    throw new IllegalArgumentException(
                            "the saved run used seed " + position.seed() + ", not " + settings.seed());
                }
                PretrainingState.loadNetworks(resumeDirectory, student, teacher, manager);
                Checkpoint.attachGradients(student);
                firstStep = position.nextStep();
            }
            ProsSchedule schedule = new ProsSchedule(
                    stepsPerEpoch,
                    settings.epochs(),
                    Schedules.scaledLearningRate(settings.baseLearningRate(), settings.batchSize()),
                    settings.minLearningRate(),
                    settings.warmupEpochs(),
                    settings.weightDecayStart(),
                    settings.weightDecayEnd(),
                    settings.teacherMomentum(),
                    1.0);
            PrototypeMatchingLoss loss = new PrototypeMatchingLoss(
                    settings.head().numPrototypes(),
                    new TeacherTemperatureSchedule(
                            settings.teacherTemperatureStart(),
                            settings.teacherTemperature(),
                            settings.teacherTemperatureWarmupEpochs()),
                    settings.studentTemperature(),
                    settings.centerMomentum(),
                    settings.centering());
            Predicate<String> lastLayer = ((ProsHead) student.head())::isLastLayerParameter;
            ProsPretrainer.Settings stepSettings = new ProsPretrainer.Settings(
                    2, settings.gradientClip(), settings.freezeLastLayerEpochs(), lastLayer);
            listener.started(firstStep, totalSteps, stepsPerEpoch, device.toString());
            try (ProsPretrainer pretrainer =
                    new ProsPretrainer(networks, loss, new ScheduledAdamW(), schedule, stepSettings)) {
                Progress progress = train(pretrainer, manager, firstStep, totalSteps, stepsPerEpoch, listener);
                Path checkpoint = save(student, teacher, loss, progress.nextStep(), listener);
                return new Result(progress.nextStep(), checkpoint, progress.last(), progress.nextStep() < totalSteps);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("pretraining I/O failed in " + output + ": " + e.getMessage(), e);
        }
    }

    /** Where the training loop ended: the next step to run and the metrics of the last one run. */
    private record Progress(long nextStep, StepMetrics last) {}

    private Progress train(
            ProsPretrainer pretrainer,
            NDManager manager,
            long firstStep,
            long totalSteps,
            long stepsPerEpoch,
            Listener listener)
            throws IOException {
        MultiCropAugmentation augmentation = new MultiCropAugmentation(settings.views(), preprocessing());
        FaceBatchLoader.Options options = new FaceBatchLoader.Options(
                settings.batchSize(),
                true,
                true,
                settings.seed(),
                settings.loaderThreads(),
                settings.prefetchBatches());
        StepMetrics last = null;
        try (FaceBatchLoader<MultiCropViews> loader =
                new FaceBatchLoader<>(data, (sample, random) -> augmentation.apply(sample.image(), random), options)) {
            long step = firstStep;
            while (step < totalSteps) {
                int epoch = (int) (step / stepsPerEpoch);
                Iterator<List<MultiCropViews>> batches = loader.epoch(epoch);
                // a resumed run re-creates (without training on) the batches of its epoch that are already done
                for (long skip = step % stepsPerEpoch; skip > 0 && batches.hasNext(); skip--) {
                    batches.next();
                }
                long epochEnd = Math.min(totalSteps, (epoch + 1) * stepsPerEpoch);
                long lastTick = System.nanoTime();
                while (step < epochEnd && batches.hasNext()) {
                    List<MultiCropViews> batch = batches.next();
                    last = step(pretrainer, manager, batch, step);
                    long now = System.nanoTime();
                    listener.stepFinished(last, batch.size() / ((now - lastTick) / 1e9));
                    lastTick = now;
                    step++;
                    if (stopRequested.get()) {
                        return new Progress(step, last);
                    }
                    if (settings.checkpointEverySteps() > 0
                            && step % settings.checkpointEverySteps() == 0
                            && step < totalSteps) {
                        save(
                                pretrainer.networks().student(),
                                pretrainer.networks().teacher(),
                                pretrainer.loss(),
                                step,
                                listener);
                    }
                }
                // images the loader had to skip (undecodable) can end an epoch early: the schedule moves on
                step = Math.max(step, epochEnd);
            }
            return new Progress(step, last);
        }
    }

    private StepMetrics step(ProsPretrainer pretrainer, NDManager manager, List<MultiCropViews> batch, long step) {
        // drop-path masks come from the engine's generator: seed it per step for exact resumes
        Engine.getInstance().setRandomSeed((int) (settings.seed() * 1_000_003L + step));
        try (NDManager stepManager = manager.newSubManager()) {
            NDList views = MultiCropAugmentation.stack(stepManager, batch);
            if (step == settings.nanAtStep()) {
                views.get(0).muli(Float.NaN); // test hook: the loss of this step becomes NaN
            }
            return pretrainer.step(views, step);
        } catch (NonFiniteLossException e) {
            String what = Double.isFinite(e.loss())
                    ? "gradient became non-finite (loss " + e.loss() + ")"
                    : "loss became " + e.loss();
            throw new IllegalStateException(
                    what + " at step " + e.step() + " (epoch "
                            + step / stepsPerEpoch()
                            + "); training stopped before the weights were touched. Usual causes: "
                            + "learning rate too high for the batch size (lower lr), gradient clipping off (clip.grad), or a "
                            + "teacher temperature too low. The last checkpoint in "
                            + output.resolve(CHECKPOINT_DIRECTORY)
                            + " (if any) is intact; fix the recipe and --resume.",
                    e);
        }
    }

    private Path save(Block student, Block teacher, PrototypeMatchingLoss loss, long nextStep, Listener listener)
            throws IOException {
        BackboneWithHead teacherNetwork = (BackboneWithHead) teacher;
        boolean pros = settings.loss() == PretrainingSettings.LossKind.PROS;
        String description = data.describe() + "; teacher after step " + nextStep + " of " + totalSteps();
        CheckpointConfig config = new CheckpointConfig(
                settings.architecture(),
                preprocessing(),
                pros ? settings.head() : null,
                List.of(),
                recipe,
                description);
        Checkpoint checkpoint = new Checkpoint(
                config, teacherNetwork.backbone(), pros ? (ProsHead) teacherNetwork.head() : null, Map.of());
        Path target = output.resolve(CHECKPOINT_DIRECTORY).toAbsolutePath().normalize();
        DirectorySwap.saveCheckpoint(checkpoint, target);
        PretrainingState.save(
                output.resolve(RESUME_DIRECTORY),
                new PretrainingState.Position(nextStep, settings.seed(), recipe),
                student,
                teacher,
                loss.centerValues());
        listener.checkpointWritten(target, nextStep);
        return target;
    }

    private Preprocessing preprocessing() {
        return Preprocessing.imagenet(settings.architecture().imageSize());
    }

    private BackboneWithHead network(io.prosface.core.model.VisionTransformerConfig architecture, NDManager manager) {
        VisionTransformer backbone = new VisionTransformer(architecture);
        int width = architecture.embedDim();
        // settings.head() is the ProS or the DINO preset, as the loss asks
        BackboneWithHead network = new BackboneWithHead(backbone, new ProsHead(width, settings.head()));
        network.initializeParameters(manager);
        return network;
    }
}
