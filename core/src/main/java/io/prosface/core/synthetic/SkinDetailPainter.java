package io.prosface.core.synthetic;

import java.awt.Color;
import java.awt.RadialGradientPaint;
import java.awt.geom.Point2D;

/** Paints what lies on the skin: rosy cheeks, cheekbones, wrinkles and folds, eye bags, a double chin. */
final class SkinDetailPainter {

    private SkinDetailPainter() {}

    static void paint(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        FaceIdentity.Traits traits = canvas.identity.traits();
        ExpressionShape expression = geometry.expression;
        double lift = 0.06 * expression.cheekRaise();
        if (canvas.scene.makeup().rosyCheeks()) {
            for (int side = 0; side < 2; side++) {
                double x = FaceGeometry.sign(side) * 0.56;
                glow(
                        canvas,
                        new double[] {x, 0.42 - lift, geometry.surface(x, 0.42)},
                        0.3,
                        Palette.rgb(235, 90, 105),
                        0.5);
            }
        }
        if (traits.highCheekbones()) {
            for (int side = 0; side < 2; side++) {
                double x = FaceGeometry.sign(side) * 0.62;
                glow(canvas, new double[] {x, 0.2 - lift, geometry.surface(x, 0.2)}, 0.2, Color.WHITE, 0.28);
                // the hollow under the cheekbone: a soft shadow, not a line
                double hollow = FaceGeometry.sign(side) * 0.74;
                glow(
                        canvas,
                        new double[] {hollow, 0.52, geometry.surface(hollow, 0.52)},
                        0.17,
                        Palette.shade(canvas.identity.skin(), 0.5),
                        0.35);
            }
        }
        wrinkles(canvas);
        if (traits.bagsUnderEyes()) {
            for (int side = 0; side < 2; side++) {
                canvas.stroke(
                        canvas.project(lowered(geometry, geometry.eyeLower[side], 0.075)),
                        Palette.alpha(Palette.rgb(95, 60, 75), 0.45),
                        0.03);
            }
        }
        if (traits.doubleChin()) {
            double[] jaw = geometry.jaw;
            PointList fold = new PointList();
            for (int k = 22; k <= 42; k += 2) {
                fold.add(jaw[3 * k] * 0.85, jaw[3 * k + 1] + 0.13, jaw[3 * k + 2] - 0.1);
            }
            canvas.stroke(canvas.project(fold), shadow(canvas, 0.55), 0.035);
        }
    }

    private static void wrinkles(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        ExpressionShape expression = geometry.expression;
        double age = canvas.identity.traits().wrinkles();
        double forehead = Math.max(age, expression.browAll() > 0.04 ? 0.7 : 0);
        if (forehead > 0.05) {
            for (int k = 0; k < 3; k++) {
                double y = geometry.structure.browHeight() - 0.2 - 0.09 * k - expression.browAll() * 0.5;
                PointList line = new PointList();
                for (int i = -4; i <= 4; i++) {
                    double x = 0.11 * i;
                    line.add(x, y + 0.015 * Math.abs(i) * 0.25, geometry.surface(x, y) + 0.02);
                }
                canvas.stroke(canvas.project(line), shadow(canvas, 0.4 * forehead), 0.016);
            }
        }
        double folds = Math.min(1, 0.15 + 0.5 * age + 0.7 * expression.cheekRaise());
        double width = geometry.structure.noseHalfWidth();
        double[] corner = geometry.landmark(48);
        for (int side = 0; side < 2; side++) {
            double s = FaceGeometry.sign(side);
            double tip = geometry.structure.noseTip();
            double mouthX = Math.abs(corner[0]) + 0.06;
            PointList fold = new PointList()
                    .add(s * (width + 0.05), tip - 0.02, geometry.surface(width, tip))
                    .add(s * (mouthX + 0.02), corner[1] - 0.05, geometry.surface(mouthX, corner[1]))
                    .add(s * mouthX, corner[1] + 0.12, geometry.surface(mouthX, corner[1]));
            canvas.stroke(Curves.catmullRom(canvas.project(fold), 4, false), shadow(canvas, 0.5 * folds), 0.025);
            double crow = Math.max(age, 0.8 * expression.cheekRaise());
            if (crow > 0.1) {
                double[] outer = geometry.landmark(side == 0 ? 36 : 45);
                for (int k = -1; k <= 1; k++) {
                    canvas.stroke(
                            canvas.project(new double[] {
                                outer[0] + s * 0.04,
                                outer[1] + 0.03 * k,
                                outer[2],
                                outer[0] + s * 0.14,
                                outer[1] + 0.07 * k,
                                outer[2] - 0.05
                            }),
                            shadow(canvas, 0.5 * crow),
                            0.014);
                }
            }
        }
        if (expression.frownLines() > 0.1) {
            for (int k = -1; k <= 1; k += 2) {
                double x = 0.045 * k;
                double top = geometry.structure.browHeight() - 0.05;
                canvas.stroke(
                        canvas.project(new double[] {
                            x,
                            top,
                            geometry.surface(x, top) + 0.04,
                            x * 1.3,
                            top + 0.14,
                            geometry.surface(x, top) + 0.04
                        }),
                        shadow(canvas, 0.6 * expression.frownLines()),
                        0.018);
            }
        }
    }

    private static Color shadow(FaceCanvas canvas, double alpha) {
        return Palette.alpha(Palette.shade(canvas.identity.skin(), 0.55), Math.min(1, alpha));
    }

    private static double[] lowered(FaceGeometry geometry, double[] lid, double depth) {
        double[] out = lid.clone();
        int count = lid.length / 3;
        for (int k = 0; k < count; k++) {
            out[3 * k + 1] += depth * Math.pow(Math.sin(Math.PI * k / (count - 1)), 0.6);
        }
        return java.util.Arrays.copyOfRange(out, 3 * 3, out.length - 3 * 3);
    }

    /** A soft round spot of colour fading out (blush, highlight). */
    static void glow(FaceCanvas canvas, double[] center, double radius, Color color, double alpha) {
        float[] point = canvas.project(center);
        float pixels = Math.max(1f, canvas.pixels(radius));
        canvas.graphics.setPaint(new RadialGradientPaint(
                new Point2D.Float(point[0], point[1]), pixels, new float[] {0f, 1f}, new Color[] {
                    Palette.alpha(color, alpha), Palette.alpha(color, 0)
                }));
        canvas.graphics.fill(
                new java.awt.geom.Ellipse2D.Float(point[0] - pixels, point[1] - pixels, 2 * pixels, 2 * pixels));
    }
}
