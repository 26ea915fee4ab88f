package io.prosface.core.synthetic;

/** Smooth curves through projected control points (centripetal-free, uniform Catmull-Rom). */
final class Curves {

    private Curves() {}

    /**
     * A curve through every control point of {@code xy} (interleaved), with {@code steps} segments between two
     * control points; a closed curve wraps around.
     */
    static float[] catmullRom(float[] xy, int steps, boolean closed) {
        int count = xy.length / 2;
        int segments = closed ? count : count - 1;
        float[] out = new float[(segments * steps + (closed ? 0 : 1)) * 2];
        int o = 0;
        for (int s = 0; s < segments; s++) {
            int p0 = index(s - 1, count, closed);
            int p1 = index(s, count, closed);
            int p2 = index(s + 1, count, closed);
            int p3 = index(s + 2, count, closed);
            for (int k = 0; k < steps; k++) {
                float t = (float) k / steps;
                out[o++] = spline(xy[2 * p0], xy[2 * p1], xy[2 * p2], xy[2 * p3], t);
                out[o++] = spline(xy[2 * p0 + 1], xy[2 * p1 + 1], xy[2 * p2 + 1], xy[2 * p3 + 1], t);
            }
        }
        if (!closed) {
            out[o++] = xy[2 * (count - 1)];
            out[o] = xy[2 * (count - 1) + 1];
        }
        return out;
    }

    private static int index(int i, int count, boolean closed) {
        if (closed) {
            return ((i % count) + count) % count;
        }
        return Math.max(0, Math.min(count - 1, i));
    }

    private static float spline(float p0, float p1, float p2, float p3, float t) {
        float t2 = t * t;
        float t3 = t2 * t;
        return 0.5f
                * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (3 * p1 - p0 - 3 * p2 + p3) * t3);
    }

    /** The points of {@code xy} in reverse order. */
    static float[] reverse(float[] xy) {
        float[] out = new float[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[xy.length - 2 - i] = xy[i];
            out[xy.length - 1 - i] = xy[i + 1];
        }
        return out;
    }
}
