package io.prosface.core.synthetic;

import io.prosface.core.synthetic.FaceIdentity.FacialHair;
import java.awt.Color;

/**
 * Paints stubble, beard, goatee, sideburns and mustache as regions bounded by the jaw contour and the mouth's
 * current shape, so facial hair follows an open jaw or a smile.
 */
final class FacialHairPainter {

    private FacialHairPainter() {}

    /** Everything below the nose except the mustache, which {@link #paintMustache} adds after the nose. */
    static void paint(FaceCanvas canvas) {
        FacialHair hair = canvas.identity.facialHair();
        if (!hair.any()) {
            return;
        }
        Color color = color(canvas);
        if (hair.stubble()) {
            Color stubble = Palette.alpha(Palette.mix(canvas.identity.skin(), Palette.rgb(35, 35, 45), 0.6), 0.42);
            canvas.fill(FaceCanvas.path(canvas.project(lowerFace(canvas, 4, 0.0, true)), true), stubble);
        }
        if (hair.sideburns()) {
            boolean turned = Math.abs(canvas.scene.pose().yaw()) > 0.2;
            for (int side = 0; side < 2; side++) {
                if (turned && canvas.farSide(side)) {
                    continue; // on the side of the head turned away: hidden by the face
                }
                double s = FaceGeometry.sign(side);
                double width = canvas.geometry.structure.faceWidth();
                // a tapering strip from the hair down to the jaw's corner on the side of the head, in front of the
                // ear: seen from the front only its front edge shows, from the side all of it
                double[] strip = {
                    s * width,
                    -0.4,
                    -0.4,
                    s * width * 0.99,
                    0.32,
                    -0.3,
                    s * width * 0.96,
                    0.45,
                    -0.1,
                    s * width * 0.93,
                    0.34,
                    0.15,
                    s * width * 0.92,
                    -0.4,
                    0.2
                };
                canvas.fill(FaceCanvas.path(canvas.project(strip), true), color);
            }
        }
        if (hair.beard()) {
            canvas.fill(FaceCanvas.path(canvas.project(lowerFace(canvas, 5, 0.07, false)), true), color);
        }
        if (hair.goatee()) {
            canvas.fill(FaceCanvas.path(canvas.project(goatee(canvas)), true), color);
        }
    }

    static void paintMustache(FaceCanvas canvas) {
        if (!canvas.identity.facialHair().mustache()) {
            return;
        }
        FaceGeometry geometry = canvas.geometry;
        double[] lip = geometry.mouthOuterUpper;
        int count = lip.length / 3;
        double base = geometry.landmark(33)[1] + 0.025;
        PointList points = new PointList();
        double[] left = geometry.landmark(48);
        double[] right = geometry.landmark(54);
        points.add(left[0] - 0.05, left[1] + 0.06, left[2]);
        for (int k = 0; k < count; k++) {
            double x = lip[3 * k];
            double relative = x / Math.max(0.1, Math.abs(left[0]));
            double top = base + 0.04 * relative * relative;
            points.add(x * 1.08, Math.min(top, lip[3 * k + 1] - 0.03), lip[3 * k + 2] + 0.03);
        }
        points.add(right[0] + 0.05, right[1] + 0.06, right[2]);
        for (int k = count - 1; k >= 0; k--) {
            points.add(lip[3 * k], lip[3 * k + 1] + 0.012, lip[3 * k + 2] + 0.03);
        }
        canvas.fill(FaceCanvas.path(canvas.project(points), true), color(canvas));
    }

    private static Color color(FaceCanvas canvas) {
        return Palette.alpha(Palette.shade(canvas.identity.hair().color(), 0.88), 0.95);
    }

    /**
     * The lower face from jaw sample {@code fromJaw} round to the other side, closed over the cheeks and either
     * under the nose (covering the upper lip) or under the lower lip; {@code bulk} pushes the jaw line outwards.
     */
    private static double[] lowerFace(FaceCanvas canvas, int fromJaw, double bulk, boolean overUpperLip) {
        FaceGeometry geometry = canvas.geometry;
        double[] jaw = geometry.jaw;
        int count = jaw.length / 3;
        PointList points = new PointList();
        for (int k = fromJaw; k < count - fromJaw; k++) {
            double theta = Math.PI * k / (count - 1);
            double push = 1 + bulk * Math.sin(theta);
            points.add(jaw[3 * k] * push, jaw[3 * k + 1] + bulk * 1.5 * Math.pow(Math.sin(theta), 4), jaw[3 * k + 2]);
        }
        double width = geometry.structure.faceWidth();
        double[] rightCorner = geometry.landmark(54);
        double[] leftCorner = geometry.landmark(48);
        points.add(width * 0.8, 0.32, geometry.surface(0.8, 0.32)).add(width * 0.62, 0.55, geometry.surface(0.6, 0.55));
        if (overUpperLip) {
            double under = geometry.landmark(33)[1] + 0.03;
            points.add(rightCorner[0] + 0.08, under + 0.04, rightCorner[2])
                    .add(0, under, geometry.surface(0, under) + 0.15)
                    .add(leftCorner[0] - 0.08, under + 0.04, leftCorner[2]);
        } else {
            double[] lowerLip = geometry.landmark(57);
            points.add(rightCorner[0] + 0.07, rightCorner[1], rightCorner[2])
                    .add(rightCorner[0] * 0.5, lowerLip[1] + 0.05, lowerLip[2])
                    .add(0, lowerLip[1] + 0.07, lowerLip[2])
                    .add(leftCorner[0] * 0.5, lowerLip[1] + 0.05, lowerLip[2])
                    .add(leftCorner[0] - 0.07, leftCorner[1], leftCorner[2]);
        }
        points.add(-width * 0.62, 0.55, geometry.surface(0.6, 0.55))
                .add(-width * 0.8, 0.32, geometry.surface(0.8, 0.32));
        return points.toArray();
    }

    private static double[] goatee(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        double[] lowerLip = geometry.landmark(57);
        double[] jaw = geometry.jaw;
        int count = jaw.length / 3;
        int middle = count / 2;
        PointList points = new PointList().add(-0.2, lowerLip[1] + 0.02, lowerLip[2]);
        for (int k = middle - 5; k <= middle + 5; k++) {
            points.add(jaw[3 * k] * 1.04, jaw[3 * k + 1] + 0.06, jaw[3 * k + 2]);
        }
        points.add(0.2, lowerLip[1] + 0.02, lowerLip[2]).add(0, lowerLip[1] + 0.035, lowerLip[2]);
        return points.toArray();
    }
}
