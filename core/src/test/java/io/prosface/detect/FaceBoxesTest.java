package io.prosface.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The geometry after the cascade: mapping back to image pixels, clipping, duplicates, order. No OpenCV needed. */
class FaceBoxesTest {

    @Test
    void mapsAWindowOnThePaddedDownscaledImageBackToImagePixels() {
        // image 1000x800 searched at scale 0.5 with a 20 px border: window (70, 45, 50x50) -> image (100, 50, 100x100)
        FaceBox box = FaceBoxes.fromSearchWindow(70, 45, 50, 50, 7, 20, 0.5, 1000, 800);
        assertEquals(new FaceBox(100, 50, 100, 100, 7), box);
    }

    @Test
    void clipsAWindowThatReachesIntoThePadding() {
        // 30% of the window lies left of the image: kept, clipped at x = 0
        FaceBox box = FaceBoxes.fromSearchWindow(10, 40, 100, 100, 5, 40, 1.0, 200, 200);
        assertEquals(new FaceBox(0, 0, 70, 100, 5), box);
    }

    @Test
    void dropsAWindowFoundMostlyOnThePadding() {
        assertNull(FaceBoxes.fromSearchWindow(0, 0, 100, 100, 5, 60, 1.0, 200, 200));
    }

    @Test
    void ordersLargestFirstDropsNestedDuplicatesAndCapsTheCount() {
        FaceBox small = new FaceBox(300, 0, 40, 40, 9);
        FaceBox large = new FaceBox(0, 0, 100, 100, 6);
        FaceBox insideLarge = new FaceBox(20, 20, 50, 50, 12);
        FaceBox medium = new FaceBox(150, 0, 60, 60, 5);

        assertEquals(
                List.of(large, medium, small), FaceBoxes.largestFirst(List.of(small, insideLarge, medium, large), 10));
        assertEquals(List.of(large, medium), FaceBoxes.largestFirst(List.of(small, insideLarge, medium, large), 2));
    }

    @Test
    void intersectionOverUnionOfHalfOverlappingBoxesIsOneThird() {
        FaceBox left = new FaceBox(0, 0, 100, 100, 1);
        FaceBox right = new FaceBox(50, 0, 100, 100, 1);
        assertEquals(1.0 / 3.0, left.intersectionOverUnion(right), 1e-9);
    }
}
