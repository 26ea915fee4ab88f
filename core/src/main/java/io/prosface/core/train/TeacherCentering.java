package io.prosface.core.train;

import java.util.Locale;

/**
 * How the teacher's similarities become targets without collapsing onto one prototype.
 *
 * <p>{@link #MEAN} is DINO's: subtract c, an EMA of the teacher's batch means, then softmax at τ_t. It only
 * removes a bias shared by every image, so when the images' similarities barely differ (a young network on faces
 * that all share one layout) every target is nearly the same, the student learns a constant, and the teacher
 * ends uniform. {@link #SINKHORN_KNOPP} is SwAV's and DINOv2's: alternately normalise the batch's
 * exp(s_t / τ_t) so that every prototype receives the same total mass over the batch and every image sums to
 * one. Equipartition spreads the batch over the prototypes even when the similarities differ only slightly, which
 * is what keeps short runs on a few thousand synthetic faces from collapsing.
 */
public enum TeacherCentering {
    /** DINO: c &lt;- m c + (1 - m) mean(s_t); targets softmax((s_t - c) / τ_t). */
    MEAN,
    /** SwAV/DINOv2: Sinkhorn-Knopp equipartition of exp(s_t / τ_t) over the batch. */
    SINKHORN_KNOPP;

    /** Sinkhorn-Knopp iterations (DINOv2 and SwAV use 3). */
    public static final int SINKHORN_ITERATIONS = 3;

    /** Parses "mean" or "sinkhorn". */
    public static TeacherCentering parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "mean" -> MEAN;
            case "sinkhorn", "sinkhorn-knopp", "sinkhorn_knopp" -> SINKHORN_KNOPP;
            default ->
                throw new IllegalArgumentException("teacher centering must be mean or sinkhorn, got '" + text + "'");
        };
    }
}
