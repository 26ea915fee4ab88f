package io.prosface.core.synthetic;

import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Path2D;

/**
 * Paints eyes, brows, nose and mouth from the projected geometry: each outline is the projected dense curve the
 * landmarks were sampled from, so the points sit on what is drawn under any pose and expression.
 */
final class FeaturePainter {

    private static final Color SCLERA = Palette.rgb(242, 238, 232);
    private static final Color LID_LINE = Palette.rgb(45, 30, 28);
    private static final Color MOUTH_INSIDE = Palette.rgb(75, 22, 28);
    private static final Color TEETH = Palette.rgb(244, 240, 228);

    private FeaturePainter() {}

    static void paintEyes(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        SceneSettings.Makeup makeup = canvas.scene.makeup();
        Color skin = canvas.identity.skin();
        for (int side = 0; side < 2; side++) {
            float[] upper = canvas.project(geometry.eyeUpper[side]);
            float[] lower = canvas.project(geometry.eyeLower[side]);
            float[] crease = canvas.project(raised(geometry, geometry.eyeUpper[side], 0.07));
            if (makeup.heavy()) {
                float[] shadow = canvas.project(raised(geometry, geometry.eyeUpper[side], 0.12));
                canvas.fill(FaceCanvas.outline(upper, Curves.reverse(shadow)), Palette.alpha(makeup.eyeshadow(), 0.75));
            }
            canvas.stroke(crease, Palette.alpha(Palette.shade(skin, 0.6), 0.45), 0.022);
            Path2D.Float eye = FaceCanvas.outline(upper, Curves.reverse(lower));
            canvas.fill(eye, SCLERA);
            paintIris(canvas, side, eye);
            canvas.stroke(lower, Palette.alpha(Palette.shade(skin, 0.55), 0.7), 0.018);
            canvas.stroke(upper, LID_LINE, makeup.heavy() ? 0.055 : 0.035);
        }
    }

    /** The lid curve lifted towards the brow by {@code height} at its middle (crease, eyeshadow). */
    private static double[] raised(FaceGeometry geometry, double[] lid, double height) {
        double[] out = lid.clone();
        int count = lid.length / 3;
        for (int k = 0; k < count; k++) {
            double bump = Math.sin(Math.PI * k / (count - 1));
            out[3 * k + 1] -= height * Math.pow(bump, 0.7) + 0.01;
            out[3 * k + 2] = geometry.surface(out[3 * k], out[3 * k + 1]) - 0.02;
        }
        return out;
    }

    private static void paintIris(FaceCanvas canvas, int side, Shape eye) {
        FaceGeometry geometry = canvas.geometry;
        double[] center = geometry.irisCenter[side];
        double radius = geometry.irisRadius;
        Shape clip = canvas.graphics.getClip();
        canvas.graphics.clip(eye);
        Color iris = canvas.identity.iris();
        canvas.fill(disc(canvas, center, radius), iris);
        canvas.stroke(disc(canvas, center, radius), Palette.shade(iris, 0.55), 0.02);
        canvas.fill(disc(canvas, center, radius * 0.45), Palette.rgb(12, 10, 10));
        double[] glint = {center[0] - radius * 0.3, center[1] - radius * 0.35, center[2] + 0.01};
        canvas.fill(disc(canvas, glint, radius * 0.2), Palette.alpha(Color.WHITE, 0.85));
        // the upper lid's shadow on the eyeball
        canvas.stroke(
                FaceCanvas.path(canvas.project(geometry.eyeUpper[side]), false), Palette.alpha(Color.BLACK, 0.2), 0.06);
        canvas.graphics.setClip(clip);
    }

    /** A circle facing the camera in the face's frame (an ellipse once the head turns). */
    static Path2D.Float disc(FaceCanvas canvas, double[] center, double radius) {
        PointList points = new PointList();
        for (int k = 0; k < 14; k++) {
            double angle = 2 * Math.PI * k / 14;
            points.add(center[0] + radius * Math.cos(angle), center[1] + radius * Math.sin(angle), center[2]);
        }
        return FaceCanvas.path(canvas.project(points), true);
    }

    static void paintBrows(FaceCanvas canvas) {
        Color hair = canvas.identity.hair().color();
        Color brow = switch (canvas.identity.hair().colorName()) {
            case BLOND -> Palette.mix(hair, Palette.rgb(110, 80, 45), 0.5);
            case GRAY -> Palette.shade(hair, 0.8);
            default -> Palette.shade(hair, 0.8);
        };
        for (int side = 0; side < 2; side++) {
            float[] top = canvas.project(canvas.geometry.browTop[side]);
            float[] bottom = canvas.project(canvas.geometry.browBottom[side]);
            canvas.fill(FaceCanvas.outline(top, Curves.reverse(bottom)), Palette.alpha(brow, 0.95));
        }
    }

    static void paintNose(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        Color skin = canvas.identity.skin();
        double tip = geometry.structure.noseTip();
        double width = geometry.structure.noseHalfWidth();
        double scale = geometry.structure.noseScale();
        Color line = Palette.alpha(Palette.shade(skin, 0.55), 0.75);
        // the bridge's side wall on the side turned away from the camera (or the left one, seen frontally)
        int shadowSide = canvas.farSide(0) ? 0 : 1;
        double sign = FaceGeometry.sign(shadowSide);
        PointList wall = new PointList();
        double[] heights = {tip * 0.25, tip * 0.6, tip - 0.07};
        double[] offsets = {0.08, 0.09, width * 0.85};
        for (int k = 0; k < 3; k++) {
            double y = heights[k];
            wall.add(sign * offsets[k], y, geometry.surface(0, y) + 0.3 * scale * y / tip - 0.02);
        }
        canvas.stroke(
                Curves.catmullRom(canvas.project(wall), 4, false), Palette.alpha(Palette.shade(skin, 0.6), 0.3), 0.04);
        for (int side = 0; side < 2; side++) {
            double s = FaceGeometry.sign(side);
            double[] base = geometry.landmark(side == 0 ? 31 : 35);
            PointList wing = new PointList()
                    .add(base[0], base[1], base[2])
                    .add(s * width * 1.12, tip - 0.02, base[2] + 0.02)
                    .add(s * width * 0.8, tip - 0.11, base[2] + 0.04);
            canvas.stroke(Curves.catmullRom(canvas.project(wing), 4, false), line, 0.028);
            double[] nostril = {s * width * 0.5, tip + 0.07 * scale, geometry.surface(0, tip) + 0.16 * scale};
            canvas.fill(ellipse(canvas, nostril, width * 0.27, 0.026 * scale), Palette.shade(skin, 0.32));
        }
        PointList base = new PointList();
        for (int landmark = 31; landmark <= 35; landmark++) {
            double[] point = geometry.landmark(landmark);
            base.add(point[0], point[1], point[2]);
        }
        canvas.stroke(Curves.catmullRom(canvas.project(base), 4, false), line, 0.025);
        double[] tipPoint = geometry.landmark(30);
        canvas.fill(ellipse(canvas, tipPoint, 0.05, 0.035), Palette.alpha(Color.WHITE, 0.22));
        if (geometry.expression.noseWrinkle() > 0) {
            Color wrinkle = Palette.alpha(Palette.shade(skin, 0.55), 0.7 * geometry.expression.noseWrinkle());
            for (int k = 0; k < 3; k++) {
                double y = tip * (0.18 + 0.12 * k);
                double z = geometry.surface(0, y) + 0.12;
                canvas.stroke(
                        canvas.project(new double[] {-0.07, y + 0.015, z, 0, y, z, 0.07, y + 0.015, z}),
                        wrinkle,
                        0.018);
            }
        }
    }

    static Path2D.Float ellipse(FaceCanvas canvas, double[] center, double radiusX, double radiusY) {
        PointList points = new PointList();
        for (int k = 0; k < 12; k++) {
            double angle = 2 * Math.PI * k / 12;
            points.add(center[0] + radiusX * Math.cos(angle), center[1] + radiusY * Math.sin(angle), center[2]);
        }
        return FaceCanvas.path(canvas.project(points), true);
    }

    static void paintMouth(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        ExpressionShape expression = geometry.expression;
        Color lips = canvas.scene.makeup().lips();
        float[] outerUpper = canvas.project(geometry.mouthOuterUpper);
        float[] outerLower = canvas.project(geometry.mouthOuterLower);
        float[] innerUpper = canvas.project(geometry.mouthInnerUpper);
        float[] innerLower = canvas.project(geometry.mouthInnerLower);
        canvas.fill(FaceCanvas.outline(outerUpper, Curves.reverse(outerLower)), lips);
        canvas.fill(FaceCanvas.outline(outerUpper, Curves.reverse(innerUpper)), Palette.shade(lips, 0.85));
        if (expression.mouthOpenLabel()) {
            Path2D.Float inside = FaceCanvas.outline(innerUpper, Curves.reverse(innerLower));
            canvas.fill(inside, MOUTH_INSIDE);
            if (expression.teeth()) {
                Shape clip = canvas.graphics.getClip();
                canvas.graphics.clip(inside);
                double depth = Math.min(0.07, expression.mouthOpen() * 0.55);
                canvas.fill(
                        FaceCanvas.outline(
                                innerUpper, Curves.reverse(canvas.project(shifted(geometry.mouthInnerUpper, depth)))),
                        TEETH);
                canvas.graphics.setClip(clip);
            }
            canvas.stroke(inside, Palette.shade(lips, 0.6), 0.015);
        } else {
            canvas.stroke(innerUpper, Palette.shade(lips, 0.45), 0.028);
        }
        double[] lowerMiddle = geometry.landmark(57);
        double[] shine = {lowerMiddle[0], lowerMiddle[1] - geometry.structure.lowerLip() * 0.45, lowerMiddle[2]};
        canvas.fill(ellipse(canvas, shine, 0.07, 0.018), Palette.alpha(Color.WHITE, 0.25));
    }

    private static double[] shifted(double[] curve, double down) {
        double[] out = curve.clone();
        int count = curve.length / 3;
        for (int k = 0; k < count; k++) {
            double bump = Math.sin(Math.PI * k / (count - 1));
            out[3 * k + 1] += down * Math.pow(bump, 0.3);
        }
        return out;
    }
}
