package io.prosface.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * ProS's self-distillation loss over prototype similarities, with the state it needs: the centre c and the
 * teacher temperature schedule (as DINO's loss class owns them).
 *
 * <p>For every teacher global view i and every student view v != i, the student's log-distribution
 * log_softmax(s_s / τ_s) is pulled towards the teacher's centred, sharpened distribution softmax((s_t - c) / τ_t)
 * by cross-entropy; the loss is the mean over those pairs and over the batch. The teacher side never carries a
 * gradient. Centring (subtracting c, an EMA of the teacher's batch means) stops one prototype from winning every
 * image; sharpening (τ_t &lt; τ_s) stops the uniform solution. With {@link TeacherCentering#SINKHORN_KNOPP} the
 * teacher targets are the batch's Sinkhorn-Knopp equipartition of exp(s_t / τ_t) instead (c is still tracked, for
 * the statistics, but not used).
 *
 * <p>The centre lives in this object's own {@link NDManager} and is updated in place, so a step allocates nothing
 * that outlives it. Close the loss when training ends.
 */
public final class PrototypeMatchingLoss implements AutoCloseable {

    /** τ_s of ProS/DINO. */
    public static final double DEFAULT_STUDENT_TEMPERATURE = 0.1;
    /** Momentum of the centre EMA. */
    public static final double DEFAULT_CENTER_MOMENTUM = 0.9;

    private final int numPrototypes;
    private final TeacherTemperatureSchedule teacherTemperature;
    private final double studentTemperature;
    private final double centerMomentum;
    private final TeacherCentering centering;
    private NDManager centerManager;
    private NDArray center;

    /** The loss with τ_s = 0.1 and centre momentum 0.9. */
    public PrototypeMatchingLoss(int numPrototypes, TeacherTemperatureSchedule teacherTemperature) {
        this(numPrototypes, teacherTemperature, DEFAULT_STUDENT_TEMPERATURE, DEFAULT_CENTER_MOMENTUM);
    }

    /**
     * @param numPrototypes K, the width of every similarity array
     * @param teacherTemperature τ_t by epoch
     * @param studentTemperature τ_s
     * @param centerMomentum m in c &lt;- m c + (1 - m) mean(s_t)
     */
    public PrototypeMatchingLoss(
            int numPrototypes,
            TeacherTemperatureSchedule teacherTemperature,
            double studentTemperature,
            double centerMomentum) {
        this(numPrototypes, teacherTemperature, studentTemperature, centerMomentum, TeacherCentering.MEAN);
    }

    /**
     * @param centering how teacher similarities become targets (DINO's mean centre or Sinkhorn-Knopp)
     */
    public PrototypeMatchingLoss(
            int numPrototypes,
            TeacherTemperatureSchedule teacherTemperature,
            double studentTemperature,
            double centerMomentum,
            TeacherCentering centering) {
        if (numPrototypes < 2) {
            throw new IllegalArgumentException("need at least 2 prototypes, got " + numPrototypes);
        }
        if (!(studentTemperature > 0) || centerMomentum < 0 || centerMomentum > 1) {
            throw new IllegalArgumentException("studentTemperature must be > 0 and centerMomentum in [0, 1], got "
                    + studentTemperature + ", " + centerMomentum);
        }
        this.numPrototypes = numPrototypes;
        this.teacherTemperature = teacherTemperature;
        this.studentTemperature = studentTemperature;
        this.centerMomentum = centerMomentum;
        this.centering = centering;
    }

    /** The loss value and the teacher's collapse detectors of one step. */
    public record Output(NDArray loss, TeacherStatistics teacher) {}

    /**
     * One DINO-style call: the loss with the current centre, the teacher statistics, then the centre update.
     *
     * @param teacherSimilarities one (B, K) array per global view, from the teacher
     * @param studentSimilarities one (B, K) array per view, from the student; the first ones are the same global
     *     views, in the same order, as {@code teacherSimilarities}
     * @param epoch 0-based epoch, selects τ_t
     * @return the scalar loss (in the student arrays' manager, attached to the student's graph) and the statistics
     */
    public Output forward(List<NDArray> teacherSimilarities, List<NDArray> studentSimilarities, int epoch) {
        NDArray loss = loss(teacherSimilarities, studentSimilarities, epoch);
        TeacherStatistics statistics = statistics(teacherSimilarities, epoch);
        updateCenter(teacherSimilarities);
        return new Output(loss, statistics);
    }

    /** The scalar loss with the current centre; changes nothing. */
    public NDArray loss(List<NDArray> teacherSimilarities, List<NDArray> studentSimilarities, int epoch) {
        checkViews(teacherSimilarities, studentSimilarities);
        List<NDArray> teacherProbabilities = teacherTargets(teacherSimilarities, epoch);
        NDArray total = null;
        int pairs = 0;
        for (int view = 0; view < studentSimilarities.size(); view++) {
            // (B, K): log p_s for this student view
            NDArray student = studentSimilarities.get(view);
            NDArray studentLogProbabilities =
                    student.div(GraphScalars.of(student, studentTemperature)).logSoftmax(-1);
            for (int teacherView = 0; teacherView < teacherProbabilities.size(); teacherView++) {
                if (teacherView == view) {
                    continue; // a view is never its own target
                }
                // (B, K) -> (B): cross-entropy H(p_t, p_s) per image, then the batch mean
                NDArray crossEntropy = teacherProbabilities
                        .get(teacherView)
                        .mul(studentLogProbabilities)
                        .sum(new int[] {-1})
                        .neg()
                        .mean();
                total = total == null ? crossEntropy : total.add(crossEntropy);
                pairs++;
            }
        }
        return total.div(GraphScalars.of(total, pairs));
    }

    /** Entropy, prototype usage and perplexity of the teacher distribution with the current centre. */
    public TeacherStatistics statistics(List<NDArray> teacherSimilarities, int epoch) {
        // (G x (B, K)) -> (G*B, K): every teacher image counts once
        NDArray probabilities = NDArrays.concat(new NDList(teacherTargets(teacherSimilarities, epoch)), 0);
        NDArray logProbabilities = probabilities.maximum(1e-30f).log();
        double entropy = probabilities
                .mul(logProbabilities)
                .sum(new int[] {-1})
                .neg()
                .mean()
                .getFloat();
        // (G*B, K) -> (K): the batch's average assignment, whose perplexity counts the prototypes in use
        NDArray meanProbabilities = probabilities.mean(new int[] {0}).maximum(1e-12f);
        double meanEntropy =
                meanProbabilities.mul(meanProbabilities.log()).sum().neg().getFloat();
        long distinct = Arrays.stream(
                        probabilities.argMax(-1).toType(DataType.INT64, false).toLongArray())
                .distinct()
                .count();
        return new TeacherStatistics(entropy, Math.log(numPrototypes), (int) distinct, Math.exp(meanEntropy));
    }

    /**
     * c &lt;- m c + (1 - m) mean(s_t), the mean over every teacher image of the batch. In place: the centre array
     * keeps its identity and nothing is allocated in the loss's manager.
     */
    public void updateCenter(List<NDArray> teacherSimilarities) {
        NDArray all = NDArrays.concat(new NDList(teacherSimilarities), 0).stopGradient();
        // (G*B, K) -> (1, K)
        NDArray batchMean = all.mean(new int[] {0}, true).mul(1.0 - centerMomentum);
        NDArray current = center(all.getDevice());
        current.muli(centerMomentum).addi(batchMean);
    }

    /** τ_t at the given epoch. */
    public double teacherTemperature(int epoch) {
        return teacherTemperature.at(epoch);
    }

    public double studentTemperature() {
        return studentTemperature;
    }

    public int numPrototypes() {
        return numPrototypes;
    }

    /** A copy of the centre c (zeros before the first update). */
    public float[] centerValues() {
        return center == null ? new float[numPrototypes] : center.toFloatArray();
    }

    @Override
    public void close() {
        if (centerManager != null) {
            centerManager.close();
            centerManager = null;
            center = null;
        }
    }

    /**
     * The teacher's target distributions, one (B, K) array per global view, without gradient: softmax((s_t - c) /
     * τ_t) per image, or the Sinkhorn-Knopp equipartition over every teacher image of the batch.
     */
    public List<NDArray> teacherTargets(List<NDArray> teacherSimilarities, int epoch) {
        if (centering == TeacherCentering.MEAN) {
            return teacherSimilarities.stream()
                    .map(similarities -> teacherLogits(similarities, epoch).softmax(-1))
                    .toList();
        }
        // (G x (B, K)) -> (G*B, K): the equipartition spans every teacher image of the batch, as in DINOv2
        NDArray all = NDArrays.concat(new NDList(teacherSimilarities), 0).stopGradient();
        NDArray logQ = all.div(GraphScalars.of(all, teacherTemperature.at(epoch)));
        for (int iteration = 0; iteration < TeacherCentering.SINKHORN_ITERATIONS; iteration++) {
            // every prototype's column to the same total mass (a log-softmax over the batch axis), then every
            // image's row to one (a log-softmax over the prototypes); constant factors 1/K, 1/B cancel in the next
            // normalisation, so they are left out
            logQ = logQ.logSoftmax(0).logSoftmax(1);
        }
        // (G*B, K) -> G x (B, K)
        return logQ.exp().split(teacherSimilarities.size(), 0);
    }

    public TeacherCentering centering() {
        return centering;
    }

    /** (s_t - c) / τ_t without gradient: the teacher is a target, never trained through this loss. */
    private NDArray teacherLogits(NDArray teacherSimilarities, int epoch) {
        NDArray detached = teacherSimilarities.stopGradient();
        NDArray centred = detached.sub(center(detached.getDevice()));
        return centred.div(GraphScalars.of(centred, teacherTemperature.at(epoch)));
    }

    /** The centre on the teachers' device, created as zeros on first use (DINO starts from zeros too). */
    private NDArray center(Device device) {
        if (center == null) {
            centerManager = NDManager.newBaseManager(device);
            centerManager.setName("prototype-matching-center");
            center = centerManager.zeros(new Shape(1, numPrototypes));
            NDScope.unregister(center); // the centre outlives any scope a caller may have opened
        }
        return center;
    }

    private void checkViews(List<NDArray> teacher, List<NDArray> student) {
        if (teacher.isEmpty() || student.size() < 2 || student.size() < teacher.size()) {
            throw new IllegalArgumentException("need >= 1 teacher view and >= 2 student views (the global views first),"
                    + " got " + teacher.size() + " teacher and " + student.size() + " student views");
        }
        Shape expected = teacher.get(0).getShape();
        for (List<NDArray> views : List.of(teacher, student)) {
            for (NDArray view : views) {
                Shape shape = view.getShape();
                if (shape.dimension() != 2 || shape.get(1) != numPrototypes || shape.get(0) != expected.get(0)) {
                    throw new IllegalArgumentException("every similarity array must be (B, K) = (" + expected.get(0)
                            + ", " + numPrototypes + "), got " + shape);
                }
            }
        }
    }
}
