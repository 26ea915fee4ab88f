package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IbugLandmarksTest {

    @Test
    void flipPermutationIsAnInvolutionOverAll68Points() {
        int[] permutation = IbugLandmarks.flipPermutation();
        assertEquals(68, permutation.length);
        for (int i = 0; i < 68; i++) {
            assertEquals(i, permutation[permutation[i]], "point " + i);
        }
        int[] sorted = permutation.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 68; i++) {
            assertEquals(i, sorted[i], "a permutation");
        }
    }

    @Test
    void flipSwapsTheNamedLeftRightPairsAndKeepsTheMidline() {
        int[] permutation = IbugLandmarks.flipPermutation();
        assertEquals(45, permutation[36]);
        assertEquals(54, permutation[48]);
        assertEquals(16, permutation[0]);
        assertEquals(22, permutation[21]);
        assertEquals(35, permutation[31]);
        assertEquals(47, permutation[40]);
        assertEquals(58, permutation[56]);
        assertEquals(67, permutation[65]);
        for (int midline : new int[] {8, 27, 28, 29, 30, 33, 51, 57, 62, 66}) {
            assertEquals(midline, permutation[midline]);
        }
    }

    @Test
    void flippingTwiceRestoresThePoints() {
        SplittableRandom random = new SplittableRandom(3);
        float[] points = new float[136];
        for (int i = 0; i < points.length; i++) {
            points[i] = (float) random.nextDouble(0, 64);
        }
        float[] once = IbugLandmarks.flipHorizontally(points, 64);
        assertEquals(64 - points[2 * 45], once[2 * 36], 1e-5);
        assertArrayEquals(points, IbugLandmarks.flipHorizontally(once, 64), 1e-5f);
    }
}
