package io.prosface.core.synthetic;

import java.util.Arrays;

/** Andrew's monotone chain over projected points: the silhouette of a sampled 3D surface such as the skull. */
final class ConvexHull {

    private ConvexHull() {}

    /** Hull of interleaved points {@code x, y, ...}, counter-clockwise, as interleaved points. */
    static float[] of(float[] xy) {
        int count = xy.length / 2;
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> xy[2 * a] != xy[2 * b]
                        ? Float.compare(xy[2 * a], xy[2 * b])
                        : Float.compare(xy[2 * a + 1], xy[2 * b + 1]));
        int[] hull = new int[2 * count];
        int length = 0;
        for (int pass = 0; pass < 2; pass++) {
            int start = length;
            for (int k = 0; k < count; k++) {
                int index = order[pass == 0 ? k : count - 1 - k];
                while (length >= start + 2 && cross(xy, hull[length - 2], hull[length - 1], index) <= 0) {
                    length--;
                }
                hull[length++] = index;
            }
            length--; // the last point of each chain starts the other one
        }
        float[] out = new float[2 * length];
        for (int i = 0; i < length; i++) {
            out[2 * i] = xy[2 * hull[i]];
            out[2 * i + 1] = xy[2 * hull[i] + 1];
        }
        return out;
    }

    private static double cross(float[] xy, int o, int a, int b) {
        return (double) (xy[2 * a] - xy[2 * o]) * (xy[2 * b + 1] - xy[2 * o + 1])
                - (double) (xy[2 * a + 1] - xy[2 * o + 1]) * (xy[2 * b] - xy[2 * o]);
    }
}
