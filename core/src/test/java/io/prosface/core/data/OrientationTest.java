package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each EXIF orientation turns its stored pixels into the same upright 3x2 image (pixels a..f below), as photo viewers
 * show it. The stored layouts are written out by hand from the EXIF definitions, not computed.
 */
class OrientationTest {

    private static final int A = 1, B = 2, C = 3, D = 4, E = 5, F = 6;
    /** Upright, 3 wide and 2 high: a b c / d e f. */
    private static final int[][] UPRIGHT = {{A, B, C}, {D, E, F}};

    static Stream<Arguments> storedLayouts() {
        return Stream.of(
                Arguments.of(1, new int[][] {{A, B, C}, {D, E, F}}),
                Arguments.of(2, new int[][] {{C, B, A}, {F, E, D}}), // mirrored left-right
                Arguments.of(3, new int[][] {{F, E, D}, {C, B, A}}), // upside down
                Arguments.of(4, new int[][] {{D, E, F}, {A, B, C}}), // mirrored top-bottom
                Arguments.of(5, new int[][] {{A, D}, {B, E}, {C, F}}), // transposed
                Arguments.of(6, new int[][] {{C, F}, {B, E}, {A, D}}), // phone turned: viewer turns it clockwise
                Arguments.of(7, new int[][] {{F, C}, {E, B}, {D, A}}), // transverse
                Arguments.of(8, new int[][] {{D, A}, {E, B}, {F, C}})); // viewer turns it counter-clockwise
    }

    @ParameterizedTest(name = "orientation {0}")
    @MethodSource("storedLayouts")
    void everyExifOrientationTurnsTheStoredPixelsUpright(int exifValue, int[][] stored) {
        Orientation orientation = Orientation.ofExif(exifValue);
        assertEquals(exifValue, orientation.exifValue());
        BufferedImage upright = orientation.upright(image(stored));
        assertEquals(3, upright.getWidth());
        assertEquals(2, upright.getHeight());
        for (int y = 0; y < 2; y++) {
            assertArrayEquals(UPRIGHT[y], row(upright, y), "row " + y);
        }
        assertEquals(exifValue >= 5, orientation.swapsSides());
    }

    @ParameterizedTest(name = "EXIF value {0}")
    @MethodSource("brokenValues")
    void valuesOutsideOneToEightCountAsUpright(int value) {
        assertEquals(Orientation.NORMAL, Orientation.ofExif(value));
    }

    static Stream<Integer> brokenValues() {
        return Stream.of(0, 9, -1, 65535);
    }

    private static int[] row(BufferedImage image, int y) {
        int[] values = new int[image.getWidth()];
        for (int x = 0; x < values.length; x++) {
            values[x] = image.getRGB(x, y) & 0xFFFFFF;
        }
        return values;
    }

    private static BufferedImage image(int[][] rows) {
        BufferedImage image = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[y].length; x++) {
                image.setRGB(x, y, rows[y][x]);
            }
        }
        return image;
    }
}
