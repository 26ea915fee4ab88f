package io.prosface.server.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.PreparedFace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The second cut of a detected face: around the box its first-pass points span, or not at all when they are unusable.
 */
class LandmarkReframingTest {

    private static PreparedFace face(float left) {
        return new PreparedFace(new float[3 * 4 * 4], new CropTransform(left, 0, 100, 4), 200, 200);
    }

    private static float[] square(float x, float y, float side) {
        float[] points = new float[136];
        for (int p = 0; p < 68; p++) {
            points[2 * p] = x + side * (p % 2);
            points[2 * p + 1] = y + side * ((p / 2) % 2);
        }
        return points;
    }

    @Test
    void detectedFacesAreCutAgainAroundTheirPointsAndTheOthersStay() {
        List<PreparedFace> faces = List.of(face(0), face(10));
        List<FaceBox> asked = new ArrayList<>();
        List<PreparedFace> result = LandmarkReframing.recut(faces, Arrays.asList(square(20, 30, 40), null), box -> {
            asked.add(box);
            return face(box.x());
        });
        assertEquals(List.of(new FaceBox(20, 30, 40, 40)), asked, "the points' box, exactly");
        assertEquals(20, result.get(0).crop().left(), 1e-6);
        assertSame(faces.get(1), result.get(1), "a face without first-pass points (a client's box) keeps its crop");
    }

    @Test
    void collapsedOrNonFinitePointsKeepTheFirstCrop() {
        assertNull(LandmarkReframing.boxOf(square(50, 50, 1)), "all points within 1 px: no usable box");
        float[] broken = square(20, 30, 40);
        broken[7] = Float.NaN;
        assertNull(LandmarkReframing.boxOf(broken));
        List<PreparedFace> faces = List.of(face(0));
        assertSame(
                faces.get(0),
                LandmarkReframing.recut(faces, List.of(broken), box -> face(99)).get(0));
    }
}
