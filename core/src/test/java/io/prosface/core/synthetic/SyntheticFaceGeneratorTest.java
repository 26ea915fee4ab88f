package io.prosface.core.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import java.awt.Color;
import java.awt.Polygon;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticFaceGeneratorTest {

    @Test
    void sameSeedGivesByteIdenticalPixelsAndIdenticalLabels() {
        SyntheticFaceGenerator generator = new SyntheticFaceGenerator(96);
        for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            FaceSample first = generator.render(seed);
            FaceSample second = new SyntheticFaceGenerator(96).render(seed);
            assertEquals(first.id(), second.id());
            assertArrayEquals(pixels(first.image()), pixels(second.image()), "pixels of seed " + seed);
            assertLabelsEqual(first.labels(), second.labels());
        }
    }

    @Test
    void differentSeedsGiveDifferentFaces() {
        SyntheticFaceGenerator generator = new SyntheticFaceGenerator(64);
        FaceSample first = generator.render(1);
        FaceSample second = generator.render(2);
        assertNotEquals(first.id(), second.id());
        assertFalse(java.util.Arrays.equals(pixels(first.image()), pixels(second.image())));
        assertFalse(java.util.Arrays.equals(
                first.labels().landmarks(), second.labels().landmarks()));
    }

    @Test
    void anIdentityKeepsItsPersonAcrossExpressionsAndScenes() {
        SyntheticFaceGenerator generator = SyntheticFaceGenerator.clean(64);
        List<String> personal = List.of(
                "Male",
                "Pale_Skin",
                "Black_Hair",
                "Blond_Hair",
                "Brown_Hair",
                "Gray_Hair",
                "Bald",
                "Bangs",
                "Big_Nose",
                "Big_Lips",
                "Bushy_Eyebrows",
                "Mustache",
                "No_Beard",
                "Young",
                "Chubby");
        for (long identity = 0; identity < 10; identity++) {
            FaceLabels reference =
                    generator.render(identity, Expression.NEUTRAL, 0).labels();
            for (Expression expression : Expression.values()) {
                FaceLabels labels = generator
                        .render(identity, expression, 1000 + expression.ordinal())
                        .labels();
                assertEquals(expression, labels.expression());
                assertEquals(reference.age(), labels.age());
                assertEquals(reference.gender(), labels.gender());
                for (String attribute : personal) {
                    assertEquals(
                            reference.attributes().get(attribute),
                            labels.attributes().get(attribute),
                            attribute + " of identity " + identity);
                }
            }
        }
    }

    @Test
    void labelsHaveTheSharedShape() {
        FaceLabels labels = new SyntheticFaceGenerator(64).render(5).labels();
        assertEquals(SyntheticAttributes.NAMES, List.copyOf(labels.attributes().keySet()));
        assertEquals(136, labels.landmarks().length);
        assertTrue(labels.age() >= 18 && labels.age() <= 80);
        assertTrue(labels.gender() == 0 || labels.gender() == 1);
        assertEquals(labels.gender() == 0, labels.attributes().get("Male"));
        assertNull(labels.race(), "race is not modelled");
    }

    @Test
    void landmarksLieOnTheDrawnFeatures() {
        SyntheticFaceGenerator generator = SyntheticFaceGenerator.clean(128);
        Color background = new Color(SyntheticFaceGenerator.CLEAN_BACKGROUND_RGB);
        int eyesChecked = 0;
        for (int i = 0; i < 42; i++) {
            long identity = 300 + i;
            FaceSample sample = generator.render(identity, Expression.values()[i % 7], 900 + i);
            BufferedImage image = sample.image();
            float[] points = sample.labels().landmarks();
            Color skin = FaceIdentity.sample(identity).skin();
            for (int point = 0; point < 68; point++) {
                float x = points[2 * point];
                float y = points[2 * point + 1];
                assertTrue(x >= 0 && y >= 0 && x < 128 && y < 128, "point " + point + " outside the image");
                if (point >= 17) {
                    assertTrue(
                            distance(color(image, x, y), background) > 60,
                            "inner point " + point + " of sample " + i + " lies on the background");
                }
            }
            if (!sample.labels().attributes().get("Eyeglasses")) {
                for (int eye = 36; eye <= 42; eye += 6) {
                    assertTrue(
                            maxDistance(image, points, eye, eye + 5, skin) > 70,
                            "no eye drawn inside points " + eye + ".." + (eye + 5) + " of sample " + i);
                }
                eyesChecked++;
            }
            assertTrue(maxDistance(image, points, 48, 59, skin) > 40, "no lips inside points 48..59 of sample " + i);
        }
        assertTrue(eyesChecked > 25, "too few samples without glasses: " + eyesChecked);
    }

    @Test
    void smilingAndOpenMouthLabelsMatchTheDrawnMouth() {
        SyntheticFaceGenerator generator = new SyntheticFaceGenerator(128);
        for (int i = 0; i < 140; i++) {
            FaceLabels labels =
                    generator.render(SyntheticFaceGenerator.sampleSeed(11, i)).labels();
            float[] p = labels.landmarks();
            double interocular = Math.hypot(p[90] - p[72], p[91] - p[73]);
            // "up" in the face's own frame: perpendicular to the eye line, so roll does not matter
            double upX = (p[91] - p[73]) / interocular;
            double upY = -(p[90] - p[72]) / interocular;
            double cornerX = (p[96] + p[108]) / 2 - p[124];
            double cornerY = (p[97] + p[109]) / 2 - p[125];
            double lift = (cornerX * upX + cornerY * upY) / interocular;
            boolean smiling = labels.attributes().get("Smiling");
            assertEquals(smiling, lift > 0.04, "sample " + i + " corner lift " + lift);
            if (smiling) {
                assertEquals(Expression.HAPPINESS, labels.expression());
            }
            double gap = Math.hypot(p[132] - p[124], p[133] - p[125]);
            assertEquals(labels.attributes().get("Mouth_Slightly_Open"), gap > 0.01, "sample " + i + " gap " + gap);
        }
    }

    @Test
    void everyAttributeAndExpressionAppearsWithASaneFrequency() {
        SyntheticFaceGenerator generator = new SyntheticFaceGenerator(40);
        int count = 500;
        Map<String, Integer> positives = new java.util.TreeMap<>();
        int[] expressions = new int[Expression.values().length];
        for (int i = 0; i < count; i++) {
            FaceLabels labels =
                    generator.render(SyntheticFaceGenerator.sampleSeed(3, i)).labels();
            labels.attributes().forEach((name, value) -> positives.merge(name, value ? 1 : 0, Integer::sum));
            expressions[labels.expression().ordinal()]++;
        }
        List<String> problems = new ArrayList<>();
        positives.forEach((name, positive) -> {
            if (positive < count * 0.02 || positive > count * 0.95) {
                problems.add(name + "=" + positive);
            }
        });
        for (Expression expression : Expression.values()) {
            int seen = expressions[expression.ordinal()];
            if (seen < count * 0.08 || seen > count * 0.25) {
                problems.add(expression.label() + "=" + seen);
            }
        }
        assertTrue(
                problems.isEmpty(),
                "frequencies out of [2%, 95%] (expressions [8%, 25%]) of " + count + ": " + problems);
    }

    @Test
    void faceCropsFrameTheFaceAsTheServerCutsADetectedFace() {
        SyntheticFaceGenerator photos = SyntheticFaceGenerator.clean(64);
        SyntheticFaceGenerator crops = photos.withFaceMargin(0.2f);
        assertEquals(java.util.Optional.of(0.2f), crops.faceMargin());
        for (int i = 0; i < 21; i++) {
            FaceSample photo = photos.render(500 + i, Expression.values()[i % 7], 700 + i);
            FaceSample crop = crops.render(500 + i, Expression.values()[i % 7], 700 + i);
            assertEquals(64, crop.image().getWidth());
            assertEquals(64, crop.image().getHeight());
            assertEquals(photo.labels().attributes(), crop.labels().attributes(), "same person and photo");
            assertEquals(photo.labels().expression(), crop.labels().expression());
            // the landmarks' box: centred, its longer side 64 / (1 + 2 * 0.2) pixels, as CropTransform.around cuts it
            FaceBox box = FaceBox.enclosing(crop.labels().landmarks());
            assertEquals(32, box.centerX(), 0.5, "box centre x of sample " + i);
            assertEquals(32, box.centerY(), 0.5, "box centre y of sample " + i);
            assertEquals(64 / 1.4, Math.max(box.width(), box.height()), 0.5, "box side of sample " + i);
            // the same shape as in the whole photo, only scaled and shifted
            FaceBox photoBox = FaceBox.enclosing(photo.labels().landmarks());
            assertEquals(
                    photoBox.width() / photoBox.height(), box.width() / box.height(), 0.02, "aspect of sample " + i);
            assertTrue(
                    box.width() > 1.2 * photoBox.width(), "the crop shows the face larger than the photo, sample " + i);
            // pixels follow the landmarks: lips inside the mouth points
            Color skin = FaceIdentity.sample(500 + i).skin();
            assertTrue(
                    maxDistance(crop.image(), crop.labels().landmarks(), 48, 59, skin) > 40,
                    "no lips inside points 48..59 of face crop " + i);
        }
        FaceSample again = SyntheticFaceGenerator.faceCrops(64, 0.2f).render(7);
        assertArrayEquals(
                pixels(again.image()),
                pixels(SyntheticFaceGenerator.faceCrops(64, 0.2f).render(7).image()),
                "face crops are deterministic too");
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticFaceGenerator.faceCrops(64, -0.1f),
                "a negative margin is refused");
    }

    private static void assertLabelsEqual(FaceLabels expected, FaceLabels actual) {
        assertEquals(expected.attributes(), actual.attributes());
        assertEquals(expected.expression(), actual.expression());
        assertArrayEquals(expected.landmarks(), actual.landmarks());
        assertEquals(expected.age(), actual.age());
        assertEquals(expected.gender(), actual.gender());
        assertEquals(expected.race(), actual.race());
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static Color color(BufferedImage image, float x, float y) {
        return new Color(image.getRGB((int) x, (int) y));
    }

    private static double distance(Color a, Color b) {
        return Math.sqrt(Math.pow(a.getRed() - b.getRed(), 2)
                + Math.pow(a.getGreen() - b.getGreen(), 2)
                + Math.pow(a.getBlue() - b.getBlue(), 2));
    }

    /** Largest colour distance from {@code reference} among pixel centres inside the polygon of points from..to. */
    private static double maxDistance(BufferedImage image, float[] points, int from, int to, Color reference) {
        Polygon polygon = new Polygon();
        for (int point = from; point <= to; point++) {
            polygon.addPoint(Math.round(points[2 * point] * 16), Math.round(points[2 * point + 1] * 16));
        }
        double best = 0;
        java.awt.Rectangle box = polygon.getBounds();
        for (int y = box.y / 16; y <= (box.y + box.height) / 16; y++) {
            for (int x = box.x / 16; x <= (box.x + box.width) / 16; x++) {
                if (polygon.contains(x * 16 + 8, y * 16 + 8)) {
                    best = Math.max(best, distance(new Color(image.getRGB(x, y)), reference));
                }
            }
        }
        return best;
    }
}
