package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One ProS pretraining step over a multi-crop batch, generic over the networks: any student {@link Block} that
 * maps images to prototype similarities (B, K) (in production the ViT followed by the ProS head) and its EMA
 * teacher.
 *
 * <p>A step: teacher forward on the global views (evaluation mode, no gradient), student forward on every view
 * (training mode) inside a gradient collector, prototype-matching loss, stop on a non-finite loss, backward,
 * per-parameter gradient clipping, last-layer freezing during the first epoch(s), AdamW update with the scheduled
 * learning rate and weight decay, EMA teacher update with the scheduled momentum, centre update.
 *
 * <p>All arrays of a step live in a sub-manager closed when the step ends; the views are attached to it only
 * temporarily and go back to the caller's manager afterwards. This object owns the loss and the optimizer it is
 * given and closes them in {@link #close()}. Not thread-safe; DJL's PyTorch engine allows one gradient collector
 * at a time per process, so run one pretrainer per JVM.
 */
public final class ProsPretrainer implements AutoCloseable {

    /**
     * @param globalViews G, the number of leading views that are global crops (the teacher sees only those)
     * @param gradientClip per-parameter gradient norm bound (DINO: 3.0); 0 disables clipping
     * @param freezeLastLayerEpochs epochs during which the {@code lastLayer} parameters are not updated (DINO: 1)
     * @param lastLayer selects the prototype parameters by name, as in {@code student.getParameters()}
     */
    public record Settings(
            int globalViews, double gradientClip, int freezeLastLayerEpochs, Predicate<String> lastLayer) {

        public Settings {
            if (globalViews < 1) {
                throw new IllegalArgumentException("need at least one global view, got " + globalViews);
            }
        }

        /** DINO's values: 2 global views, clip 3.0, prototypes frozen during the first epoch. */
        public static Settings dino(Predicate<String> lastLayer) {
            return new Settings(2, 3.0, 1, lastLayer);
        }
    }

    private final EmaTeacher networks;
    private final PrototypeMatchingLoss loss;
    private final ScheduledAdamW optimizer;
    private final ProsSchedule schedule;
    private final Settings settings;

    public ProsPretrainer(
            EmaTeacher networks,
            PrototypeMatchingLoss loss,
            ScheduledAdamW optimizer,
            ProsSchedule schedule,
            Settings settings) {
        this.networks = networks;
        this.loss = loss;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.settings = settings;
        ParameterList parameters = networks.student().getParameters();
        if (settings.freezeLastLayerEpochs() > 0 && parameters.keys().stream().noneMatch(settings.lastLayer())) {
            throw new IllegalArgumentException(
                    "the last-layer selector matches no student parameter; names are " + parameters.keys());
        }
    }

    /**
     * Run one step.
     *
     * @param views one (B, C, H, W) batch per crop: the first {@code globalViews} are global crops, the rest local
     *     crops (their size may differ); the arrays are left intact and in their manager
     * @param step 0-based global step, selects every scheduled value
     * @return the step's metrics
     * @throws NonFiniteLossException before any weight changes, when the loss or the gradient is NaN or infinite
     */
    public StepMetrics step(List<NDArray> views, long step) {
        int globalViews = settings.globalViews();
        if (views.size() <= globalViews) {
            throw new IllegalArgumentException(
                    "need the " + globalViews + " global views and at least one more, got " + views.size() + " views");
        }
        int epoch = schedule.epoch(step);
        double learningRate = schedule.learningRate(step);
        double weightDecay = schedule.weightDecay(step);
        double momentum = schedule.teacherMomentum(step);
        // The scope closes every array created during the step, including those a block derives from its
        // parameters (which DJL attaches to the parameters' long-lived manager, not to the step's). Persistent
        // state created on the first step (optimizer moments, centre) is unregistered by its owner.
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return runStep(views, step, epoch, learningRate, weightDecay, momentum);
        }
    }

    private StepMetrics runStep(
            List<NDArray> views, long step, int epoch, double learningRate, double weightDecay, double momentum) {
        int globalViews = settings.globalViews();
        Block student = networks.student();
        ParameterList parameters = student.getParameters();
        GradientClipping.zeroGradients(parameters);
        double lossValue;
        TeacherStatistics statistics;
        try (NDManager stepManager = NDManager.subManagerOf(views.get(0))) {
            views.forEach(view -> view.tempAttach(stepManager)); // outputs follow their input's manager
            ParameterStore store = new ParameterStore(stepManager, false);
            // no collector is open yet, so no graph is recorded for the teacher
            List<NDArray> teacherSimilarities =
                    forwardByResolution(networks.teacher(), store, views.subList(0, globalViews), false);
            try (GradientCollector collector = stepManager.getEngine().newGradientCollector()) {
                List<NDArray> studentSimilarities = forwardByResolution(student, store, views, true);
                NDArray value = loss.loss(teacherSimilarities, studentSimilarities, epoch);
                lossValue = value.getFloat();
                if (!Double.isFinite(lossValue)) {
                    throw new NonFiniteLossException(step, lossValue);
                }
                collector.backward(value);
            }
            statistics = loss.statistics(teacherSimilarities, epoch);
            loss.updateCenter(teacherSimilarities);
        }

        double gradientNorm = GradientClipping.clipPerParameter(parameters, settings.gradientClip());
        if (!Double.isFinite(gradientNorm)) {
            throw new NonFiniteLossException(step, lossValue, gradientNorm);
        }
        Predicate<String> frozen = epoch < settings.freezeLastLayerEpochs() ? settings.lastLayer() : name -> false;
        GradientClipping.cancelGradients(parameters, frozen);
        optimizer.step(parameters, learningRate, weightDecay, frozen);
        networks.update(momentum);
        return new StepMetrics(
                step,
                epoch,
                lossValue,
                learningRate,
                weightDecay,
                momentum,
                loss.teacherTemperature(epoch),
                statistics.entropy(),
                statistics.maxEntropy(),
                statistics.distinctPrototypes(),
                statistics.perplexity(),
                gradientNorm);
    }

    public EmaTeacher networks() {
        return networks;
    }

    public PrototypeMatchingLoss loss() {
        return loss;
    }

    public ProsSchedule schedule() {
        return schedule;
    }

    @Override
    public void close() {
        loss.close();
        optimizer.close();
    }

    /**
     * Forward consecutive views of the same size as one batch (as DINO does) and split the similarities back.
     *
     * @return one (B, K) array per view, in view order
     */
    private static List<NDArray> forwardByResolution(
            Block block, ParameterStore store, List<NDArray> views, boolean training) {
        List<NDArray> similarities = new ArrayList<>(views.size());
        int start = 0;
        while (start < views.size()) {
            int end = start + 1;
            while (end < views.size()
                    && views.get(end).getShape().equals(views.get(start).getShape())) {
                end++;
            }
            // n x (B, C, H, W) -> (n*B, C, H, W)
            NDArray batch =
                    end - start == 1 ? views.get(start) : NDArrays.concat(new NDList(views.subList(start, end)), 0);
            NDArray output = block.forward(store, new NDList(batch), training).head();
            // (n*B, K) -> n x (B, K)
            similarities.addAll(output.split(end - start, 0));
            start = end;
        }
        return similarities;
    }
}
