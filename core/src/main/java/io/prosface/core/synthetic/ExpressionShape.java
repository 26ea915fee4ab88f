package io.prosface.core.synthetic;

import io.prosface.core.data.Expression;

/**
 * How an expression moves the face, as offsets and factors on a person's neutral geometry (face units, y down).
 * The values follow the prototypical action units of each basic emotion (Ekman's FACS): e.g. sadness raises the
 * inner brows (AU1) and pulls the lip corners down (AU15); surprise raises the whole brow (AU1+2), opens the lids
 * wide (AU5) and drops the jaw (AU26).
 *
 * @param browInner upward shift of the brows' inner ends
 * @param browOuter upward shift of the brows' outer ends
 * @param browAll upward shift of the whole brow
 * @param browTogether shift of the inner ends towards the midline
 * @param upperLid factor on the upper lid height (1 neutral, above 1 wide open)
 * @param lowerLid factor on the lower lid depth (below 1: lower lid raised)
 * @param lidDroop fraction by which the outer half of the upper lid sinks (sadness)
 * @param smile upward shift of the mouth corners relative to the mouth's centre (negative: corners down)
 * @param mouthOpen gap between the lips at the centre
 * @param mouthWidth factor on the mouth width
 * @param lipPress factor on lip thickness (below 1: lips pressed thin)
 * @param upperLipRaise lift of the upper lip on one side (disgust)
 * @param roundness exponent of the mouth opening: 2 round ("O"), 4 and more rectangular
 * @param teeth whether the upper teeth show when the mouth is open
 * @param noseWrinkle strength of wrinkles across the nose bridge (0 to 1)
 * @param cheekRaise strength of raised cheeks (0 to 1)
 * @param frownLines strength of vertical lines between the brows (0 to 1)
 */
record ExpressionShape(
        double browInner,
        double browOuter,
        double browAll,
        double browTogether,
        double upperLid,
        double lowerLid,
        double lidDroop,
        double smile,
        double mouthOpen,
        double mouthWidth,
        double lipPress,
        double upperLipRaise,
        double roundness,
        boolean teeth,
        double noseWrinkle,
        double cheekRaise,
        double frownLines) {

    /** Mouth corners at least this far above the centre count as a smile (CelebA {@code Smiling}). */
    static final double SMILE_THRESHOLD = 0.05;
    /** Lips at least this far apart count as open (CelebA {@code Mouth_Slightly_Open}). */
    static final double OPEN_THRESHOLD = 0.03;

    static final ExpressionShape NEUTRAL = new ExpressionShape(0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 3, false, 0, 0, 0);

    /** A random instance of the expression: intensity, mouth opening and small asymmetries vary. */
    static ExpressionShape sample(Expression expression, SyntheticRandom random) {
        double intensity = expression == Expression.NEUTRAL ? 1 : random.uniform(0.7, 1.0);
        ExpressionShape target = switch (expression) {
            case NEUTRAL ->
                new ExpressionShape(
                        0,
                        0,
                        random.uniform(-0.01, 0.01),
                        0,
                        1,
                        1,
                        0,
                        random.uniform(-0.012, 0.02),
                        random.chance(0.25) ? random.uniform(0.04, 0.06) : 0,
                        1,
                        1,
                        0,
                        3,
                        random.chance(0.5),
                        0,
                        0,
                        0);
            case HAPPINESS -> {
                boolean open = random.chance(0.6);
                yield new ExpressionShape(
                        0.02,
                        0.03,
                        0.02,
                        0,
                        0.88,
                        0.5,
                        0,
                        random.uniform(0.12, 0.16),
                        open ? random.uniform(0.07, 0.15) : 0,
                        random.uniform(1.12, 1.22),
                        0.85,
                        0,
                        5,
                        true,
                        0,
                        1,
                        0);
            }
            case SADNESS ->
                new ExpressionShape(
                        0.11,
                        -0.04,
                        -0.01,
                        0.03,
                        0.72,
                        1.05,
                        0.35,
                        -random.uniform(0.06, 0.09),
                        random.chance(0.15) ? 0.04 : 0,
                        0.95,
                        0.9,
                        0,
                        3,
                        false,
                        0,
                        0,
                        0.3);
            case SURPRISE ->
                new ExpressionShape(
                        0.12,
                        0.12,
                        0.09,
                        0,
                        1.55,
                        1.15,
                        0,
                        0,
                        random.uniform(0.26, 0.36),
                        random.uniform(0.74, 0.82),
                        0.85,
                        0,
                        2,
                        random.chance(0.4),
                        0,
                        0,
                        0);
            case FEAR ->
                new ExpressionShape(
                        0.13,
                        0.0,
                        0.05,
                        0.05,
                        1.5,
                        0.9,
                        0,
                        -random.uniform(0.01, 0.04),
                        random.uniform(0.12, 0.2),
                        random.uniform(1.15, 1.25),
                        0.7,
                        0,
                        6,
                        true,
                        0,
                        0,
                        0.6);
            case DISGUST ->
                new ExpressionShape(
                        -0.05,
                        -0.01,
                        -0.05,
                        0.04,
                        0.72,
                        0.55,
                        0,
                        -random.uniform(0.03, 0.05),
                        random.chance(0.5) ? random.uniform(0.04, 0.07) : 0,
                        0.95,
                        1,
                        random.uniform(0.06, 0.09) * (random.chance(0.5) ? 1 : -1),
                        4,
                        true,
                        1,
                        0.3,
                        0.5);
            case ANGER -> {
                boolean open = random.chance(0.35);
                yield new ExpressionShape(
                        -0.12,
                        0.03,
                        -0.05,
                        0.07,
                        0.72,
                        0.68,
                        0,
                        open ? -0.02 : -0.03,
                        open ? random.uniform(0.1, 0.16) : 0,
                        open ? 1.05 : 0.88,
                        open ? 0.75 : 0.5,
                        0,
                        8,
                        true,
                        0.4,
                        0,
                        1);
            }
        };
        return NEUTRAL.towards(target, intensity);
    }

    /**
     * Interpolates the muscle movements by the intensity; the mouth opening, a smile's lift and discrete choices come
     * from the target as drawn, so the labels Smiling and Mouth_Slightly_Open never sit on a threshold's edge.
     */
    private ExpressionShape towards(ExpressionShape target, double t) {
        return new ExpressionShape(
                lerp(browInner, target.browInner, t),
                lerp(browOuter, target.browOuter, t),
                lerp(browAll, target.browAll, t),
                lerp(browTogether, target.browTogether, t),
                lerp(upperLid, target.upperLid, t),
                lerp(lowerLid, target.lowerLid, t),
                lerp(lidDroop, target.lidDroop, t),
                target.smile > 0 ? target.smile : target.smile * t,
                target.mouthOpen,
                lerp(mouthWidth, target.mouthWidth, t),
                lerp(lipPress, target.lipPress, t),
                target.upperLipRaise * t,
                target.roundness,
                target.teeth,
                target.noseWrinkle * t,
                target.cheekRaise * t,
                target.frownLines * t);
    }

    private static double lerp(double from, double to, double t) {
        return from + (to - from) * t;
    }

    boolean smiling() {
        return smile >= SMILE_THRESHOLD;
    }

    boolean mouthOpenLabel() {
        return mouthOpen >= OPEN_THRESHOLD;
    }
}
