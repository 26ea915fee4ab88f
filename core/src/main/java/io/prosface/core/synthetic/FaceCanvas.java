package io.prosface.core.synthetic;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Path2D;

/**
 * What every painter of one face needs: the graphics, the person, the scene, the 3D geometry and the two cameras
 * (the head's, and the body's which follows the head's turn only partly). Drawing helpers take face-unit sizes so
 * the same face looks alike at 64 and 128 px.
 */
final class FaceCanvas {

    final Graphics2D graphics;
    final FaceIdentity identity;
    final SceneSettings scene;
    final FaceGeometry geometry;
    final Projection head;
    final Projection body;

    FaceCanvas(
            Graphics2D graphics,
            FaceIdentity identity,
            SceneSettings scene,
            FaceGeometry geometry,
            Projection head,
            Projection body) {
        this.graphics = graphics;
        this.identity = identity;
        this.scene = scene;
        this.geometry = geometry;
        this.head = head;
        this.body = body;
    }

    /** Pixels for a length in face units. */
    float pixels(double units) {
        return (float) (units * head.pixelsPerUnit());
    }

    float[] project(double[] points) {
        return head.project(points);
    }

    float[] project(PointList points) {
        return head.project(points.toArray());
    }

    /** Whether a head point faces the camera less than its mirror image (it is on the far side of a turned head). */
    boolean farSide(int side) {
        double x = FaceGeometry.sign(side) * 0.8;
        return head.depth(x, 0, 0.3) < head.depth(-x, 0, 0.3);
    }

    static Path2D.Float path(float[] xy, boolean closed) {
        Path2D.Float path = new Path2D.Float(Path2D.WIND_NON_ZERO, xy.length / 2 + 1);
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        if (closed) {
            path.closePath();
        }
        return path;
    }

    /** Closed outline through several projected curves in order (each interleaved x, y). */
    static Path2D.Float outline(float[]... curves) {
        Path2D.Float path = new Path2D.Float();
        boolean first = true;
        for (float[] curve : curves) {
            for (int i = 0; i < curve.length; i += 2) {
                if (first) {
                    path.moveTo(curve[i], curve[i + 1]);
                    first = false;
                } else {
                    path.lineTo(curve[i], curve[i + 1]);
                }
            }
        }
        path.closePath();
        return path;
    }

    void fill(Shape shape, Color color) {
        graphics.setColor(color);
        graphics.fill(shape);
    }

    /** Strokes an open polyline with a width in face units (at least half a pixel, so it never vanishes). */
    void stroke(float[] xy, Color color, double widthUnits) {
        stroke(path(xy, false), color, widthUnits);
    }

    void stroke(Shape shape, Color color, double widthUnits) {
        graphics.setColor(color);
        graphics.setStroke(
                new BasicStroke(Math.max(0.5f, pixels(widthUnits)), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        graphics.draw(shape);
    }
}
