package io.prosface.core.synthetic;

import io.prosface.core.synthetic.FaceIdentity.Structure;

/**
 * The 3D face of one person making one expression, in face units: the 68 iBUG landmarks and the dense curves the
 * painters draw. Every landmark is a sample of the curve its feature is drawn with (eye lids, brow top edge, lip
 * contours, jaw), so after projection the points lie exactly on the drawn outlines.
 *
 * <p>Side 0 is the subject's right (image left, x &lt; 0), side 1 the subject's left, as in 300-W.
 */
final class FaceGeometry {

    static final int POINTS = 68;
    private static final int DENSE = 20;
    /** Dense jaw samples per landmark interval: landmark i is dense sample {@code i * JAW_STEP}. */
    private static final int JAW_STEP = 4;

    private static final double INNER_CORNER = 0.9;

    final Structure structure;
    final ExpressionShape expression;
    final double[] landmarks = new double[POINTS * 3];
    final double[] jaw;
    final double[] forehead;
    final double[][] browTop = new double[2][];
    final double[][] browBottom = new double[2][];
    final double[][] eyeUpper = new double[2][];
    final double[][] eyeLower = new double[2][];
    final double[][] irisCenter = new double[2][];
    final double irisRadius;
    final double[] mouthOuterUpper;
    final double[] mouthOuterLower;
    final double[] mouthInnerUpper;
    final double[] mouthInnerLower;
    final double jawDrop;

    FaceGeometry(FaceIdentity identity, ExpressionShape expression, double gazeX, double gazeY) {
        this.structure = identity.structure();
        this.expression = expression;
        this.jawDrop = expression.mouthOpen() * 0.75;
        this.jaw = jaw();
        this.forehead = forehead(identity.hair().receding());
        for (int side = 0; side < 2; side++) {
            eyeUpper[side] = eyeCurve(side, true);
            eyeLower[side] = eyeCurve(side, false);
            browTop[side] = browCurve(side, -0.5);
            browBottom[side] = browCurve(side, 0.5);
            double x = sign(side) * structure.eyeCenter() + gazeX * structure.eyeHalfWidth();
            double y = -0.012 + gazeY * structure.eyeOpening();
            irisCenter[side] = new double[] {x, y, surface(x, y) + 0.01};
        }
        irisRadius = 0.46 * structure.eyeHalfWidth();
        mouthOuterUpper = mouthCurve(MouthLine.OUTER_UPPER, -1, 1);
        mouthOuterLower = mouthCurve(MouthLine.OUTER_LOWER, -1, 1);
        mouthInnerUpper = mouthCurve(MouthLine.INNER_UPPER, -INNER_CORNER, INNER_CORNER);
        mouthInnerLower = mouthCurve(MouthLine.INNER_LOWER, -INNER_CORNER, INNER_CORNER);
        placeLandmarks();
    }

    static double sign(int side) {
        return side == 0 ? -1 : 1;
    }

    /** Depth of the face's front surface: a rounded cylinder, deepest at the midline. */
    double surface(double x, double y) {
        double relative = x / (1.15 * structure.faceWidth());
        return 0.78 * Math.sqrt(Math.max(0, 1 - relative * relative)) - 0.04 * Math.max(0, y - 0.8);
    }

    // ---- jaw and forehead -------------------------------------------------------------------------------------

    private double[] jaw() {
        PointList points = new PointList();
        int count = 16 * JAW_STEP + 1;
        for (int k = 0; k < count; k++) {
            addJawPoint(points, Math.PI * k / (count - 1));
        }
        return points.toArray();
    }

    /** Superellipse through the lower face; theta 0 is point 0 (subject's right ear), pi/2 the chin. */
    private void addJawPoint(PointList points, double theta) {
        double exponent = 2 / structure.jawExponent();
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double x = -structure.faceWidth()
                * Math.signum(cos)
                * Math.pow(Math.abs(cos), exponent)
                * (1 - structure.jawNarrowing() * sin * sin);
        double height = structure.chin() + jawDrop * sin - structure.jawTop();
        double y = structure.jawTop() + height * Math.pow(sin, exponent);
        points.add(x, y, -0.45 + 1.05 * Math.pow(sin, 0.9));
    }

    private double[] forehead(boolean receding) {
        PointList points = new PointList();
        int count = 33;
        for (int k = 0; k < count; k++) {
            double phi = Math.PI * k / (count - 1);
            double x = structure.faceWidth() * Math.cos(phi) * (1 - 0.06 * Math.sin(phi));
            double top = hairline(x, receding);
            double y = structure.jawTop() + (top - structure.jawTop()) * Math.pow(Math.sin(phi), 0.55);
            points.add(x, y, -0.45 + 1.2 * Math.pow(Math.sin(phi), 0.8));
        }
        return points.toArray();
    }

    /** Hairline height at x; a receding hairline is higher and notched at the temples (the "M" shape). */
    double hairline(double x, boolean receding) {
        if (!receding) {
            return structure.hairline();
        }
        double temple = (Math.abs(x) - 0.5) / 0.22;
        return structure.hairline() - 0.22 - 0.2 * Math.exp(-temple * temple);
    }

    // ---- eyes and brows ---------------------------------------------------------------------------------------

    /** Lid curve from the outer corner (u = 0) to the inner corner (u = 1). */
    private double[] eyeCurve(int side, boolean upper) {
        PointList points = new PointList();
        for (int k = 0; k <= DENSE; k++) {
            addEyePoint(points, side, upper, (double) k / DENSE);
        }
        return points.toArray();
    }

    private void addEyePoint(PointList points, int side, boolean upper, double u) {
        double x = sign(side) * (structure.eyeCenter() + structure.eyeHalfWidth() * (1 - 2 * u));
        double baseline = -structure.eyeTilt() * (0.5 - u);
        double bump = Math.sin(Math.PI * u);
        double y;
        if (upper) {
            // the upper lid peaks a little towards the inner corner; sadness lowers its outer half
            double peak = Math.pow(Math.sin(Math.PI * Math.pow(u, 0.85)), 0.8);
            double droop = 1 - expression.lidDroop() * (1 - u);
            y = baseline - structure.eyeOpening() * expression.upperLid() * peak * droop;
        } else {
            y = baseline + structure.lowerLid() * expression.lowerLid() * Math.pow(bump, 1.1);
        }
        points.add(x, y, surface(x, y) - 0.06 + 0.04 * bump);
    }

    /** Brow edge from the outer end (v = 0) to the inner end (v = 1); edge -0.5 is the top, +0.5 the bottom. */
    private double[] browCurve(int side, double edge) {
        PointList points = new PointList();
        for (int k = 0; k <= DENSE; k++) {
            addBrowPoint(points, side, edge, (double) k / DENSE);
        }
        return points.toArray();
    }

    private void addBrowPoint(PointList points, int side, double edge, double v) {
        double outer = structure.eyeCenter() + structure.eyeHalfWidth() + 0.08;
        double inner = 0.15;
        double x = sign(side) * (outer + (inner - outer) * v - expression.browTogether() * v * v);
        double center = structure.browHeight()
                - structure.browArch() * Math.sin(Math.PI * Math.pow(v, 0.75))
                + 0.03 * (1 - v) * (1 - v)
                - expression.browInner() * v * v
                - expression.browOuter() * (1 - v) * (1 - v)
                - expression.browAll();
        double thickness = structure.browThickness() * (0.45 + 0.55 * Math.sqrt(v));
        double y = center + edge * thickness;
        points.add(x, y, surface(x, y) + 0.05);
    }

    // ---- mouth ------------------------------------------------------------------------------------------------

    private enum MouthLine {
        OUTER_UPPER,
        OUTER_LOWER,
        INNER_UPPER,
        INNER_LOWER
    }

    private double[] mouthCurve(MouthLine line, double from, double to) {
        PointList points = new PointList();
        for (int k = 0; k <= DENSE; k++) {
            addMouthPoint(points, line, from + (to - from) * k / DENSE);
        }
        return points.toArray();
    }

    /** A lip contour at u in [-1, 1] (subject's right corner to left corner). */
    private void addMouthPoint(PointList points, MouthLine line, double u) {
        double halfWidth = structure.mouthHalfWidth() * expression.mouthWidth();
        double x = u * halfWidth;
        // the sneer (disgust) lifts one side of the whole mouth, so closed lips stay closed, and the upper lip more
        double sneerCenter = Math.signum(expression.upperLipRaise()) * 0.35;
        double sneer = Math.abs(expression.upperLipRaise()) * Math.exp(-Math.pow((u - sneerCenter) / 0.4, 2));
        double middle = structure.mouthY() - expression.smile() * u * u - sneer;
        // superellipse profile of the opening: round for small exponents, flat-topped for large ones
        double roundness = expression.roundness();
        double inner = Math.abs(u) >= INNER_CORNER
                ? 0
                : Math.pow(1 - Math.pow(Math.abs(u) / INNER_CORNER, roundness), 1 / roundness);
        double gap = expression.mouthOpen() * inner;
        double innerUpper = middle - 0.25 * gap;
        double innerLower = middle + 0.75 * gap;
        double edge = Math.max(0, 1 - u * u);
        double y = switch (line) {
            case INNER_UPPER -> innerUpper;
            case INNER_LOWER -> innerLower;
            case OUTER_UPPER ->
                innerUpper
                        - 0.5 * sneer
                        - structure.upperLip()
                                * expression.lipPress()
                                * Math.pow(edge, 0.6)
                                * (1 - 0.3 * Math.exp(-Math.pow(u / 0.14, 2)));
            case OUTER_LOWER -> innerLower + structure.lowerLip() * expression.lipPress() * Math.pow(edge, 0.5);
        };
        points.add(x, y, surface(x, y) + 0.07 * edge - 0.05 * Math.max(0, expression.smile()) * u * u);
    }

    // ---- landmarks --------------------------------------------------------------------------------------------

    private void placeLandmarks() {
        for (int i = 0; i <= 16; i++) {
            copy(jaw, i * JAW_STEP, i);
        }
        int[] browSamples = {0, DENSE / 4, DENSE / 2, 3 * DENSE / 4, DENSE};
        for (int k = 0; k < 5; k++) {
            copy(browTop[0], browSamples[k], 17 + k);
            copy(browTop[1], browSamples[4 - k], 22 + k);
        }
        placeNose();
        int third = DENSE / 3;
        int twoThirds = DENSE - third;
        int[][] eye = {{0, 0, 0}, {0, 1, third}, {0, 1, twoThirds}, {0, 0, DENSE}, {0, 2, twoThirds}, {0, 2, third}};
        int[][] leftEye = {{1, 0, DENSE}, {1, 1, twoThirds}, {1, 1, third}, {1, 0, 0}, {1, 2, third}, {1, 2, twoThirds}
        };
        for (int k = 0; k < 6; k++) {
            copy(eye[k][1] == 2 ? eyeLower[0] : eyeUpper[0], eye[k][2], 36 + k);
            copy(leftEye[k][1] == 2 ? eyeLower[1] : eyeUpper[1], leftEye[k][2], 42 + k);
        }
        placeMouth();
    }

    private void placeNose() {
        double tip = structure.noseTip();
        double scale = structure.noseScale();
        double[] bridge = {-0.04, tip * 0.33, tip * 0.66, tip};
        double[] lift = {0.04, 0.1 * scale, 0.2 * scale, 0.32 * scale};
        for (int k = 0; k < 4; k++) {
            set(27 + k, 0, bridge[k], surface(0, bridge[k]) + lift[k]);
        }
        double width = structure.noseHalfWidth();
        double base = tip + 0.1 * scale;
        set(31, -width, tip + 0.05 * scale, surface(-width, tip) + 0.1);
        set(32, -width * 0.5, base - 0.012, surface(0, tip) + 0.15 * scale);
        set(33, 0, base, surface(0, tip) + 0.18 * scale);
        set(34, width * 0.5, base - 0.012, surface(0, tip) + 0.15 * scale);
        set(35, width, tip + 0.05 * scale, surface(width, tip) + 0.1);
    }

    private void placeMouth() {
        // outer contour samples at u = -1, -0.6, -0.3, 0, 0.3, 0.6, 1 (dense index = (u + 1) / 2 * DENSE)
        int[] upper = {0, 4, 7, 10, 13, 16, 20};
        for (int k = 0; k < 7; k++) {
            copy(mouthOuterUpper, upper[k], 48 + k);
        }
        int[] lower = {16, 13, 10, 7, 4};
        for (int k = 0; k < 5; k++) {
            copy(mouthOuterLower, lower[k], 55 + k);
        }
        // inner contour spans u in [-0.9, 0.9]
        int[] innerUpper = {0, 6, 10, 14, 20};
        for (int k = 0; k < 5; k++) {
            copy(mouthInnerUpper, innerUpper[k], 60 + k);
        }
        int[] innerLower = {14, 10, 6};
        for (int k = 0; k < 3; k++) {
            copy(mouthInnerLower, innerLower[k], 65 + k);
        }
    }

    private void copy(double[] curve, int sample, int landmark) {
        System.arraycopy(curve, sample * 3, landmarks, landmark * 3, 3);
    }

    private void set(int landmark, double x, double y, double z) {
        landmarks[landmark * 3] = x;
        landmarks[landmark * 3 + 1] = y;
        landmarks[landmark * 3 + 2] = z;
    }

    /** One landmark as {x, y, z}. */
    double[] landmark(int index) {
        return new double[] {landmarks[index * 3], landmarks[index * 3 + 1], landmarks[index * 3 + 2]};
    }
}
