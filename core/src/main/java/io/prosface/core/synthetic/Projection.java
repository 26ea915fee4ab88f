package io.prosface.core.synthetic;

/**
 * Weak-perspective camera: rotates face-unit points about a pivot (yaw about the vertical axis, then pitch, then
 * roll), drops z and maps to pixels with one scale. Landmarks and drawn features go through the same projection,
 * so they agree under any pose.
 */
final class Projection {

    private final double[] rotation = new double[9];
    private final double pivotX;
    private final double pivotY;
    private final double pivotZ;
    private final double pixelsPerUnit;
    private final double centerX;
    private final double centerY;

    /**
     * @param yaw rotation about the vertical axis in radians (positive turns the face towards image right)
     * @param pitch rotation about the horizontal axis in radians (positive tilts the face up)
     * @param roll in-plane rotation in radians
     * @param pixelsPerUnit pixels per face unit
     * @param centerX image x of the face-unit origin (between the eyes) before rotation
     * @param centerY image y of the face-unit origin before rotation
     */
    Projection(
            double yaw,
            double pitch,
            double roll,
            double[] pivot,
            double pixelsPerUnit,
            double centerX,
            double centerY) {
        double cy = Math.cos(yaw);
        double sy = Math.sin(yaw);
        double cp = Math.cos(pitch);
        double sp = Math.sin(pitch);
        double cr = Math.cos(roll);
        double sr = Math.sin(roll);
        // R = Rz(roll) * Rx(pitch) * Ry(yaw), row-major
        double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
        double[] rx = {1, 0, 0, 0, cp, -sp, 0, sp, cp};
        double[] rz = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
        multiply(rz, multiply(rx, ry, new double[9]), rotation);
        this.pivotX = pivot[0];
        this.pivotY = pivot[1];
        this.pivotZ = pivot[2];
        this.pixelsPerUnit = pixelsPerUnit;
        this.centerX = centerX;
        this.centerY = centerY;
    }

    private static double[] multiply(double[] a, double[] b, double[] out) {
        for (int row = 0; row < 3; row++) {
            for (int column = 0; column < 3; column++) {
                out[row * 3 + column] =
                        a[row * 3] * b[column] + a[row * 3 + 1] * b[3 + column] + a[row * 3 + 2] * b[6 + column];
            }
        }
        return out;
    }

    double pixelsPerUnit() {
        return pixelsPerUnit;
    }

    /** Projects interleaved points {@code x, y, z, ...} to interleaved pixels {@code x, y, ...}. */
    float[] project(double[] points) {
        float[] out = new float[points.length / 3 * 2];
        for (int i = 0, j = 0; i < points.length; i += 3, j += 2) {
            double x = points[i] - pivotX;
            double y = points[i + 1] - pivotY;
            double z = points[i + 2] - pivotZ;
            double rotatedX = rotation[0] * x + rotation[1] * y + rotation[2] * z + pivotX;
            double rotatedY = rotation[3] * x + rotation[4] * y + rotation[5] * z + pivotY;
            out[j] = (float) (centerX + pixelsPerUnit * rotatedX);
            out[j + 1] = (float) (centerY + pixelsPerUnit * rotatedY);
        }
        return out;
    }

    /** Depth towards the camera after rotation (larger is nearer); decides what is drawn in front. */
    double depth(double x, double y, double z) {
        return rotation[6] * (x - pivotX) + rotation[7] * (y - pivotY) + rotation[8] * (z - pivotZ) + pivotZ;
    }
}
