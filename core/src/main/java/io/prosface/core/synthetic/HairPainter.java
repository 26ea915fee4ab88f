package io.prosface.core.synthetic;

import io.prosface.core.synthetic.FaceIdentity.Hair;
import io.prosface.core.synthetic.FaceIdentity.HairLength;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Path2D;

/**
 * Paints hair: the cap over the skull (the silhouette of a sampled ellipsoid), long hair falling behind the neck,
 * bangs over the forehead and strand texture, all in the head's camera so hair turns with the head.
 */
final class HairPainter {

    private static final double SKULL_Y = -0.45;
    private static final double SKULL_Z = -0.35;

    private HairPainter() {}

    /** Long hair behind the head and neck, drawn before the body so the shoulders stay in front. */
    static void paintDrape(FaceCanvas canvas) {
        Hair hair = canvas.identity.hair();
        if (hair.length() != HairLength.MEDIUM && hair.length() != HairLength.LONG) {
            return;
        }
        double width = 1.06 * canvas.geometry.structure.faceWidth() * hair.volume();
        double length = hair.length() == HairLength.LONG ? 2.5 : 1.35;
        PointList points = new PointList();
        int steps = 12;
        // the top starts inside the cap's silhouette and the sides flare out gradually, so the two hair shapes
        // join without a step at the temples
        for (int k = 0; k <= steps; k++) {
            points.add(-drapeEdge(hair, width, length, k, steps, 0), drapeY(length, k, steps), -0.45);
        }
        points.add(-0.6, length + 0.12, -0.5).add(0.6, length + 0.12, -0.5);
        for (int k = steps; k >= 0; k--) {
            points.add(drapeEdge(hair, width, length, k, steps, 1), drapeY(length, k, steps), -0.45);
        }
        Path2D.Float drape = FaceCanvas.path(canvas.project(points), true);
        canvas.fill(drape, Palette.shade(hair.color(), 0.85));
        strands(canvas, drape, 0.0, length);
    }

    private static double drapeY(double length, int k, int steps) {
        return -0.3 + (length + 0.3) * k / steps;
    }

    private static double drapeEdge(Hair hair, double width, double length, int k, int steps, double phase) {
        double t = (double) k / steps;
        double wave = hair.wavy() ? 0.07 * Math.sin(drapeY(length, k, steps) * 7 + phase) * t : 0;
        return width * (0.9 + 0.1 * Math.min(1, 3 * t)) + 0.08 * t + wave;
    }

    /** Hair (or bare skin, for the bald) over the top of the skull. */
    static void paintCap(FaceCanvas canvas) {
        Hair hair = canvas.identity.hair();
        double bottom = switch (hair.length()) {
            case BALD -> 0.2;
            case BUZZ -> -0.05;
            case SHORT -> 0.12;
            default -> 0.3;
        };
        Path2D.Float cap = cap(canvas, hair.volume(), bottom);
        Color skin = canvas.identity.skin();
        if (hair.length() == HairLength.BALD) {
            canvas.fill(cap, Palette.shade(skin, 0.96));
            highlight(canvas, hair.volume(), Palette.alpha(Color.WHITE, 0.25));
            return;
        }
        if (hair.length() == HairLength.BUZZ) {
            canvas.fill(cap, skin);
            canvas.fill(cap, Palette.alpha(hair.color(), 0.8));
            return;
        }
        canvas.fill(cap, hair.color());
        strands(canvas, cap, -1.8, bottom);
        highlight(canvas, hair.volume(), Palette.alpha(Palette.shade(hair.color(), 1.5), 0.35));
    }

    /** Silhouette of the skull ellipsoid above {@code bottom} (face units), scaled by the hair's volume. */
    static Path2D.Float cap(FaceCanvas canvas, double volume, double bottom) {
        double radiusX = 1.06 * canvas.geometry.structure.faceWidth() * volume;
        double radiusY = 1.22 * volume;
        double radiusZ = 1.08 * volume;
        double maxPolar = Math.acos(Math.max(-1, Math.min(1, (SKULL_Y - bottom) / radiusY)));
        PointList points = new PointList();
        for (int ring = 0; ring <= 6; ring++) {
            double polar = maxPolar * ring / 6;
            for (int k = 0; k < 16; k++) {
                double azimuth = 2 * Math.PI * k / 16;
                points.add(
                        radiusX * Math.sin(polar) * Math.cos(azimuth),
                        SKULL_Y - radiusY * Math.cos(polar),
                        SKULL_Z + radiusZ * Math.sin(polar) * Math.sin(azimuth));
            }
        }
        return FaceCanvas.path(ConvexHull.of(canvas.project(points)), true);
    }

    /** A soft band of light across the crown. */
    private static void highlight(FaceCanvas canvas, double volume, Color color) {
        double radiusX = 1.06 * canvas.geometry.structure.faceWidth() * volume * 0.97;
        PointList points = new PointList();
        for (int k = 0; k <= 10; k++) {
            double azimuth = Math.toRadians(40 + 100.0 * k / 10);
            double polar = 0.55;
            points.add(
                    radiusX * Math.sin(polar) * Math.cos(azimuth),
                    SKULL_Y - 1.22 * volume * Math.cos(polar),
                    SKULL_Z + 1.08 * volume * Math.sin(polar) * Math.sin(azimuth));
        }
        canvas.stroke(canvas.project(points), color, 0.09);
    }

    /**
     * Strand texture inside {@code area}: meridians from the crown down to {@code bottom}, straight or wavy.
     * Their placement comes from the person's seed, so the same person keeps the same hair.
     */
    private static void strands(FaceCanvas canvas, Shape area, double top, double bottom) {
        Hair hair = canvas.identity.hair();
        SyntheticRandom random = new SyntheticRandom(SyntheticRandom.derive(canvas.identity.seed(), 3));
        Shape clip = canvas.graphics.getClip();
        canvas.graphics.clip(area);
        double radiusX = 1.07 * canvas.geometry.structure.faceWidth() * hair.volume();
        Color dark = Palette.alpha(Palette.shade(hair.color(), 0.6), 0.5);
        Color light = Palette.alpha(Palette.shade(hair.color(), 1.35), 0.35);
        for (int strand = 0; strand < 14; strand++) {
            double azimuth = Math.toRadians(random.uniform(-10, 190));
            double phase = random.uniform(0, Math.PI * 2);
            PointList points = new PointList();
            for (int k = 0; k <= 10; k++) {
                double y = top + (bottom - top) * k / 10;
                double polar = Math.acos(Math.max(-1, Math.min(1, (SKULL_Y - y) / (1.22 * hair.volume()))));
                double wave = hair.wavy() ? 0.07 * Math.sin(k * 1.6 + phase) : 0;
                double ring = Math.max(Math.sin(polar), y > SKULL_Y ? 1 : 0);
                points.add(
                        radiusX * ring * Math.cos(azimuth + wave),
                        y,
                        SKULL_Z + 1.09 * hair.volume() * ring * Math.sin(azimuth + wave));
            }
            canvas.stroke(canvas.project(points), strand % 2 == 0 ? dark : light, 0.025);
        }
        canvas.graphics.setClip(clip);
    }

    /**
     * A fringe over the upper forehead, its lower edge cut in soft scallops. It lies on the hair cap's ellipsoid
     * (slightly outside it), so it stays within the hair's silhouette under any pose.
     */
    static void paintBangs(FaceCanvas canvas) {
        Hair hair = canvas.identity.hair();
        if (!hair.bangs()) {
            return;
        }
        FaceGeometry geometry = canvas.geometry;
        double top = geometry.structure.hairline() - 0.3;
        double fringe = geometry.structure.browHeight() - 0.2;
        PointList points = new PointList();
        int steps = 24;
        for (int k = 0; k <= steps; k++) {
            addSkullPoint(canvas, points, azimuth(k, steps), top, 1.02);
        }
        for (int k = steps; k >= 0; k--) {
            double azimuth = azimuth(k, steps);
            double side = Math.cos(azimuth);
            double y = fringe + 0.16 * side * side + 0.035 * Math.abs(Math.sin(k * Math.PI / 3));
            addSkullPoint(canvas, points, azimuth, y, 1.02);
        }
        Path2D.Float bangs = FaceCanvas.path(canvas.project(points), true);
        canvas.fill(bangs, hair.color());
        Shape clip = canvas.graphics.getClip();
        canvas.graphics.clip(bangs);
        Color dark = Palette.alpha(Palette.shade(hair.color(), 0.6), 0.55);
        for (int k = 1; k < steps; k += 2) {
            PointList strand = new PointList();
            addSkullPoint(canvas, strand, azimuth(k, steps) + 0.05, top, 1.02);
            addSkullPoint(canvas, strand, azimuth(k, steps), fringe + 0.2, 1.02);
            canvas.stroke(canvas.project(strand), dark, 0.02);
        }
        canvas.graphics.setClip(clip);
    }

    /** Azimuth of fringe sample k: across the front of the head from the subject's right temple to the left. */
    private static double azimuth(int k, int steps) {
        return Math.toRadians(165 - 150.0 * k / steps);
    }

    /** The point of the hair cap's ellipsoid (scaled by {@code lift}) at height y and the given azimuth. */
    private static void addSkullPoint(FaceCanvas canvas, PointList points, double azimuth, double y, double lift) {
        double volume = canvas.identity.hair().volume() * lift;
        double radiusY = 1.22 * volume;
        double cosPolar = Math.max(-1, Math.min(1, (SKULL_Y - y) / radiusY));
        double ring = Math.sqrt(1 - cosPolar * cosPolar);
        points.add(
                1.06 * canvas.geometry.structure.faceWidth() * volume * ring * Math.cos(azimuth),
                y,
                SKULL_Z + 1.08 * volume * ring * Math.sin(azimuth));
    }
}
