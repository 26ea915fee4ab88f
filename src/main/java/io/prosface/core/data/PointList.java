package io.prosface.core.data;

import java.util.Arrays;

/** A growable list of 3D points stored interleaved ({@code x, y, z, ...}), the input of {@link Projection}. */
final class PointList {

    private double[] values = new double[48];
    private int size;

    PointList add(double x, double y, double z) {
        if (size + 3 > values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = x;
        values[size++] = y;
        values[size++] = z;
        return this;
    }

    /** Appends the points of {@code points}, optionally in reverse order. */
    PointList addAll(double[] points, boolean reversed) {
        int count = points.length / 3;
        for (int k = 0; k < count; k++) {
            int i = (reversed ? count - 1 - k : k) * 3;
            add(points[i], points[i + 1], points[i + 2]);
        }
        return this;
    }

    double[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
