package io.prosface.core.synthetic;

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

    double[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
