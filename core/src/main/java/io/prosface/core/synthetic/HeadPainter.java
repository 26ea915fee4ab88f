package io.prosface.core.synthetic;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Paint;
import java.awt.RadialGradientPaint;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;

/** Paints the head's large surfaces: clothes, neck, ears and the face's skin. */
final class HeadPainter {

    private HeadPainter() {}

    /** Shoulders in clothes, in the body's camera. */
    static void paintBody(FaceCanvas canvas) {
        double width = canvas.identity.male() ? 1.1 : 0.95;
        double[][] shoulders = {
            {-3.2, 4.6},
            {-3.0, 2.9},
            {-2.5, 2.35},
            {-1.5, 2.02},
            {-0.75, 1.88},
            {0.75, 1.88},
            {1.5, 2.02},
            {2.5, 2.35},
            {3.0, 2.9},
            {3.2, 4.6}
        };
        PointList points = new PointList();
        for (double[] point : shoulders) {
            points.add(point[0] * width, point[1], -0.3 + 0.4 * (1 - Math.min(1, Math.abs(point[0]) / 3)));
        }
        float[] outline = Curves.catmullRom(canvas.body.project(points.toArray()), 4, true);
        Color clothing = canvas.scene.accessories().clothing();
        float[] top = canvas.body.project(new double[] {0, 1.9, 0, 0, 3.2, 0});
        canvas.graphics.setPaint(new GradientPaint(
                top[0], top[1], Palette.shade(clothing, 1.1), top[2], top[3], Palette.shade(clothing, 0.7)));
        canvas.graphics.fill(FaceCanvas.path(outline, true));
    }

    /** Neck from under the jaw (head camera) to a round neckline (body camera). */
    static void paintNeck(FaceCanvas canvas) {
        double half = (canvas.identity.male() ? 0.56 : 0.46) * canvas.geometry.structure.faceWidth();
        float[] top = canvas.head.project(new double[] {half, 0.7, -0.45, -half, 0.7, -0.45});
        PointList lower = new PointList()
                .add(-half * 1.05, 1.9, -0.2)
                .add(-half * 0.95, 2.08, 0)
                .add(-half * 0.5, 2.26, 0.1)
                .add(0, 2.3, 0.1)
                .add(half * 0.5, 2.26, 0.1)
                .add(half * 0.95, 2.08, 0)
                .add(half * 1.05, 1.9, -0.2);
        float[] neckline = Curves.catmullRom(canvas.body.project(lower.toArray()), 3, false);
        Path2D.Float neck = FaceCanvas.outline(top, neckline);
        Color skin = canvas.identity.skin();
        float[] chin = canvas.head.project(new double[] {0, canvas.geometry.structure.chin(), 0});
        canvas.graphics.setPaint(new GradientPaint(
                chin[0], chin[1], Palette.shade(skin, 0.68), neckline[0], neckline[1], Palette.shade(skin, 0.93)));
        canvas.graphics.fill(neck);
    }

    /** An ear: a D-shaped rim flaring backwards from the side of the head, with a darker bowl inside. */
    static void paintEar(FaceCanvas canvas, int side) {
        Color skin = canvas.identity.skin();
        float[] rim = canvas.project(ear(canvas, side, 1.0));
        canvas.fill(FaceCanvas.path(rim, true), Palette.shade(skin, 0.92));
        canvas.stroke(FaceCanvas.path(rim, true), Palette.shade(skin, 0.7), 0.02);
        canvas.fill(FaceCanvas.path(canvas.project(ear(canvas, side, 0.55)), true), Palette.shade(skin, 0.74));
    }

    /** Ear outline points scaled about the ear's centre (scale 1 is the rim). */
    private static double[] ear(FaceCanvas canvas, int side, double scale) {
        double sign = FaceGeometry.sign(side);
        double size = canvas.geometry.structure.earSize();
        double height = 0.62 * size;
        double width = 0.21 * size;
        double[] anchor = earAnchor(canvas, side);
        double flare = Math.toRadians(55);
        double dx = sign * Math.cos(flare);
        double dz = -Math.sin(flare);
        PointList points = new PointList();
        int steps = 12;
        for (int k = 0; k <= steps; k++) {
            double t = Math.PI * k / steps;
            double along = width * Math.sin(t) * (1 - 0.25 * t / Math.PI) * scale + width * (1 - scale) * 0.35;
            double down = -height / 2 * Math.cos(t) * scale;
            points.add(anchor[0] + along * dx, anchor[1] + down, anchor[2] + along * dz);
        }
        return points.toArray();
    }

    static double[] earAnchor(FaceCanvas canvas, int side) {
        return new double[] {FaceGeometry.sign(side) * canvas.geometry.structure.faceWidth() * 0.95, 0.16, -0.42};
    }

    /** Bottom of the ear lobe, where earrings hang. */
    static double[] earlobe(FaceCanvas canvas, int side) {
        double[] anchor = earAnchor(canvas, side);
        double size = canvas.geometry.structure.earSize();
        double along = 0.06 * size;
        double flare = Math.toRadians(55);
        return new double[] {
            anchor[0] + FaceGeometry.sign(side) * along * Math.cos(flare),
            anchor[1] + 0.29 * size,
            anchor[2] - along * Math.sin(flare)
        };
    }

    /**
     * The face's skin: the jaw contour closed over the forehead by the hairline, joined with the silhouette of the
     * face's front surface. Frontally the two coincide; once the head turns, the far cheek bulges past the far jaw
     * line (which then lies on the cheek, where 300-W's hidden points are reported too).
     */
    static Path2D.Float faceOutline(FaceCanvas canvas) {
        FaceGeometry geometry = canvas.geometry;
        float[] contour = concat(canvas.project(geometry.jaw), canvas.project(geometry.forehead));
        PointList surface = new PointList();
        addSurfaceSamples(geometry, geometry.jaw, surface);
        addSurfaceSamples(geometry, geometry.forehead, surface);
        float[] silhouette = ConvexHull.of(canvas.project(surface));
        // both loops wound the same way, so the non-zero rule fills their union
        if (signedArea(contour) * signedArea(silhouette) < 0) {
            silhouette = Curves.reverse(silhouette);
        }
        Path2D.Float path = FaceCanvas.path(contour, true);
        path.append(FaceCanvas.path(silhouette, true), false);
        return path;
    }

    /** Points of the front surface on rings inside the outline (shrunk towards the face's centre). */
    private static void addSurfaceSamples(FaceGeometry geometry, double[] outline, PointList out) {
        double centerY = 0.3;
        for (int i = 0; i < outline.length; i += 6) {
            for (double shrink : new double[] {0.72, 0.9}) {
                double x = outline[i] * shrink;
                double y = centerY + (outline[i + 1] - centerY) * shrink;
                out.add(x, y, geometry.surface(x, y));
            }
        }
    }

    private static float[] concat(float[] first, float[] second) {
        float[] out = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }

    private static double signedArea(float[] xy) {
        double area = 0;
        for (int i = 0; i < xy.length; i += 2) {
            int next = (i + 2) % xy.length;
            area += (double) xy[i] * xy[next + 1] - (double) xy[next] * xy[i + 1];
        }
        return area / 2;
    }

    static void paintFace(FaceCanvas canvas, Path2D.Float face) {
        canvas.fill(face, canvas.identity.skin());
        shade(canvas, face);
    }

    /** Rounds a skin area: darker towards the face's edges, centred between the cheeks. */
    static void shade(FaceCanvas canvas, Shape area) {
        FaceGeometry geometry = canvas.geometry;
        float[] center = canvas.project(new double[] {0, 0.25, geometry.surface(0, 0.25)});
        float radius = canvas.pixels(1.4 * geometry.structure.faceWidth());
        Color dark = Palette.shade(canvas.identity.skin(), 0.62);
        Paint paint = new RadialGradientPaint(
                new Point2D.Float(center[0], center[1]), radius, new float[] {0f, 0.55f, 1f}, new Color[] {
                    Palette.alpha(dark, 0), Palette.alpha(dark, 0.05), Palette.alpha(dark, 0.6)
                });
        Shape clip = canvas.graphics.getClip();
        canvas.graphics.clip(area);
        canvas.graphics.setPaint(paint);
        canvas.graphics.fill(area.getBounds2D());
        canvas.graphics.setClip(clip);
    }
}
