package io.prosface.core.synthetic;

import io.prosface.core.synthetic.SceneSettings.Accessories;
import io.prosface.core.synthetic.SceneSettings.Glasses;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;

/** Paints eyeglasses, hats, earrings, necklaces and neckties. */
final class AccessoryPainter {

    private AccessoryPainter() {}

    static void paintGlasses(FaceCanvas canvas) {
        Accessories accessories = canvas.scene.accessories();
        Glasses style = accessories.glasses();
        if (style == Glasses.NONE) {
            return;
        }
        FaceGeometry geometry = canvas.geometry;
        double halfWidth = geometry.structure.eyeHalfWidth() + 0.1;
        double halfHeight = style == Glasses.ROUND ? halfWidth * 0.9 : 0.17;
        double exponent = style == Glasses.ROUND ? 2 : 4;
        double z = geometry.surface(geometry.structure.eyeCenter(), 0) + 0.2;
        double width = switch (style) {
            case THICK -> 0.065;
            case SUNGLASSES -> 0.05;
            default -> 0.028;
        };
        Color lens = style == Glasses.SUNGLASSES ? Palette.rgb(22, 22, 28) : Palette.alpha(Color.WHITE, 0.14);
        for (int side = 0; side < 2; side++) {
            double centerX = FaceGeometry.sign(side) * geometry.structure.eyeCenter();
            PointList rim = new PointList();
            for (int k = 0; k < 24; k++) {
                double angle = 2 * Math.PI * k / 24;
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                rim.add(
                        centerX + halfWidth * Math.signum(cos) * Math.pow(Math.abs(cos), 2 / exponent),
                        0.01 + halfHeight * Math.signum(sin) * Math.pow(Math.abs(sin), 2 / exponent),
                        z);
            }
            Path2D.Float frame = FaceCanvas.path(canvas.project(rim), true);
            canvas.fill(frame, style == Glasses.SUNGLASSES ? Palette.alpha(lens, 0.9) : lens);
            canvas.stroke(frame, accessories.frame(), width);
        }
        double inner = geometry.structure.eyeCenter() - halfWidth;
        canvas.stroke(
                canvas.project(new double[] {-inner, -0.04, z, 0, -0.07, z + 0.03, inner, -0.04, z}),
                accessories.frame(),
                width * 0.8);
        double outer = geometry.structure.eyeCenter() + halfWidth;
        for (int side = 0; side < 2; side++) {
            if (canvas.farSide(side) || Math.abs(canvas.scene.pose().yaw()) < 0.15) {
                continue;
            }
            double s = FaceGeometry.sign(side);
            double[] ear = HeadPainter.earAnchor(canvas, side);
            canvas.stroke(
                    canvas.project(new double[] {s * outer, -0.04, z, ear[0], ear[1] - 0.12, ear[2]}),
                    accessories.frame(),
                    width * 0.8);
        }
    }

    static void paintHat(FaceCanvas canvas) {
        Accessories accessories = canvas.scene.accessories();
        Color color = accessories.hatColor();
        FaceGeometry geometry = canvas.geometry;
        double volume = canvas.identity.hair().volume();
        double band = geometry.structure.hairline() + 0.02;
        switch (accessories.hat()) {
            case NONE -> {
                return;
            }
            case BEANIE -> {
                canvas.fill(HairPainter.cap(canvas, volume * 1.08, band + 0.12), color);
                canvas.stroke(
                        canvas.project(ring(geometry, band + 0.06, volume * 1.12, 1.12, 15, 165)),
                        Palette.shade(color, 0.75),
                        0.14);
            }
            case CAP -> {
                canvas.fill(HairPainter.cap(canvas, volume * 1.06, band), color);
                PointList visor = new PointList();
                for (int k = 0; k <= 12; k++) {
                    double angle = Math.PI * k / 12;
                    visor.add(0.95 * Math.cos(angle), band - 0.02, 0.45 + 0.85 * Math.sin(angle));
                }
                canvas.fill(FaceCanvas.path(canvas.project(visor), true), Palette.shade(color, 0.8));
            }
            case BRIM -> {
                PointList brim = new PointList();
                for (int k = 0; k < 28; k++) {
                    double angle = 2 * Math.PI * k / 28;
                    brim.add(
                            1.6 * geometry.structure.faceWidth() * Math.cos(angle),
                            band - 0.05,
                            -0.35 + 1.5 * Math.sin(angle));
                }
                canvas.fill(FaceCanvas.path(canvas.project(brim), true), Palette.shade(color, 0.85));
                canvas.fill(HairPainter.cap(canvas, volume * 1.1, band - 0.05), color);
                canvas.stroke(
                        canvas.project(ring(geometry, band - 0.12, volume * 1.1, 1.1, 20, 160)),
                        Palette.shade(color, 0.55),
                        0.08);
            }
        }
    }

    /** Front arc of a horizontal ring round the skull at height y, from one azimuth to another (degrees). */
    private static double[] ring(
            FaceGeometry geometry, double y, double scaleX, double scaleZ, double from, double to) {
        PointList points = new PointList();
        for (int k = 0; k <= 12; k++) {
            double azimuth = Math.toRadians(from + (to - from) * k / 12);
            points.add(
                    1.06 * geometry.structure.faceWidth() * scaleX * Math.cos(azimuth),
                    y,
                    -0.35 + 1.08 * scaleZ * Math.sin(azimuth));
        }
        return points.toArray();
    }

    static void paintEarring(FaceCanvas canvas, int side) {
        Accessories accessories = canvas.scene.accessories();
        if (accessories.earrings() == SceneSettings.Earrings.NONE) {
            return;
        }
        float[] lobe = canvas.project(HeadPainter.earlobe(canvas, side));
        float unit = canvas.pixels(1);
        Color metal = accessories.metal();
        switch (accessories.earrings()) {
            case STUD -> canvas.fill(circle(lobe[0], lobe[1], Math.max(0.8f, 0.05f * unit)), metal);
            case HOOP -> canvas.stroke(circle(lobe[0], lobe[1] + 0.1f * unit, 0.1f * unit), metal, 0.03);
            case DROP -> {
                canvas.stroke(new float[] {lobe[0], lobe[1], lobe[0], lobe[1] + 0.14f * unit}, metal, 0.02);
                canvas.fill(circle(lobe[0], lobe[1] + 0.17f * unit, Math.max(0.8f, 0.055f * unit)), metal);
            }
            default -> {}
        }
    }

    private static Ellipse2D.Float circle(float x, float y, float radius) {
        return new Ellipse2D.Float(x - radius, y - radius, 2 * radius, 2 * radius);
    }

    /** Shirt collar and tie, then a necklace, in the body's camera; drawn over the neck. */
    static void paintNeckwear(FaceCanvas canvas) {
        Accessories accessories = canvas.scene.accessories();
        if (accessories.necktie()) {
            Color shirt = Palette.rgb(236, 236, 240);
            for (int side = 0; side < 2; side++) {
                double s = FaceGeometry.sign(side);
                double[] collar = {s * 0.62, 1.84, -0.1, s * 0.05, 2.32, 0.15, s * 0.42, 2.55, 0.05};
                canvas.fill(FaceCanvas.path(canvas.body.project(collar), true), shirt);
            }
            Color tie = accessories.tie();
            double[] knot = {-0.12, 2.2, 0.16, 0.12, 2.2, 0.16, 0.08, 2.42, 0.16, -0.08, 2.42, 0.16};
            double[] blade = {-0.08, 2.42, 0.16, 0.08, 2.42, 0.16, 0.24, 3.7, 0.16, 0, 3.95, 0.16, -0.24, 3.7, 0.16};
            canvas.fill(FaceCanvas.path(canvas.body.project(knot), true), Palette.shade(tie, 0.85));
            canvas.fill(FaceCanvas.path(canvas.body.project(blade), true), tie);
        }
        if (accessories.necklace()) {
            PointList chain = new PointList();
            for (int k = 0; k <= 16; k++) {
                double angle = Math.PI * k / 16;
                chain.add(0.55 * Math.cos(angle), 1.97 + 0.42 * Math.sin(angle), 0.15);
            }
            canvas.stroke(canvas.body.project(chain.toArray()), accessories.metal(), 0.04);
            float[] pendant = canvas.body.project(new double[] {0, 2.45, 0.15});
            canvas.fill(circle(pendant[0], pendant[1], Math.max(0.8f, canvas.pixels(0.07))), accessories.metal());
        }
    }
}
