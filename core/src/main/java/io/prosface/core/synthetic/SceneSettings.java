package io.prosface.core.synthetic;

import java.awt.Color;

/**
 * What changes from photo to photo of the same person: head pose and framing, gaze, accessories, make-up, light,
 * background, occluders and image degradations. Drawn from a scene seed (and the person, for sex-typical choices).
 */
record SceneSettings(Pose pose, double gazeX, double gazeY, Accessories accessories, Makeup makeup, Photo photo) {

    /**
     * @param yaw radians, |yaw| &lt;= 40 degrees
     * @param pitch radians, |pitch| &lt;= 20 degrees
     * @param roll radians, |roll| &lt;= 30 degrees
     * @param scale factor on the face size
     * @param offsetX horizontal shift as a fraction of the image size
     * @param offsetY vertical shift as a fraction of the image size
     */
    record Pose(double yaw, double pitch, double roll, double scale, double offsetX, double offsetY) {}

    enum Glasses {
        NONE,
        THIN,
        THICK,
        ROUND,
        SUNGLASSES
    }

    enum Hat {
        NONE,
        CAP,
        BRIM,
        BEANIE
    }

    enum Earrings {
        NONE,
        STUD,
        HOOP,
        DROP
    }

    record Accessories(
            Glasses glasses,
            Color frame,
            Hat hat,
            Color hatColor,
            Earrings earrings,
            Color metal,
            boolean necklace,
            boolean necktie,
            Color tie,
            Color clothing) {}

    record Makeup(boolean lipstick, Color lips, boolean heavy, Color eyeshadow, boolean rosyCheeks) {}

    enum Occluder {
        NONE,
        HAND,
        BAR,
        SCARF
    }

    /**
     * @param clean plain background, no occluder, blur, noise, light gradient or compression (for tests)
     * @param blur Gaussian blur sigma in pixels at 128 px (scaled with the image size)
     * @param noise pixel noise standard deviation on the 0..255 scale
     * @param jpegQuality 0 for none, else the JPEG quality (0..1) of one encode/decode round trip
     */
    record Photo(
            boolean clean,
            long backgroundSeed,
            double lightAngle,
            double lightStrength,
            Occluder occluder,
            long occluderSeed,
            double blur,
            double noise,
            double jpegQuality) {}

    /** Blur at or above this sigma (pixels at 128 px) is labelled Blurry. */
    static final double BLURRY_SIGMA = 1.2;

    private static final Color[] LIPSTICK = {
        Palette.rgb(190, 30, 50),
        Palette.rgb(215, 75, 115),
        Palette.rgb(140, 25, 55),
        Palette.rgb(225, 95, 80),
        Palette.rgb(165, 45, 45)
    };

    static SceneSettings sample(long sceneSeed, FaceIdentity identity, boolean clean) {
        SyntheticRandom random = new SyntheticRandom(SyntheticRandom.derive(sceneSeed, 2));
        // products of uniforms: most photos are near frontal (as in real data sets), the extremes stay reachable
        Pose pose = new Pose(
                Math.toRadians(random.uniform(-40, 40) * random.uniform(0.2, 1)),
                Math.toRadians(random.uniform(-20, 20) * random.uniform(0.3, 1)),
                Math.toRadians(random.uniform(-30, 30) * random.uniform(0, 1) * random.uniform(0, 1)),
                random.uniform(0.86, 1.14),
                random.uniform(-0.06, 0.06),
                random.uniform(-0.05, 0.05));
        return new SceneSettings(
                pose,
                random.uniform(-0.25, 0.25),
                random.uniform(-0.15, 0.15),
                accessories(random, identity),
                makeup(random, identity),
                photo(random, clean));
    }

    private static Accessories accessories(SyntheticRandom random, FaceIdentity identity) {
        boolean male = identity.male();
        Glasses glasses =
                random.chance(0.15) ? Glasses.values()[1 + random.weighted(0.35, 0.25, 0.22, 0.18)] : Glasses.NONE;
        Color frame = random.chance(0.6) ? Palette.rgb(25, 25, 28) : Palette.random(random);
        boolean canWearHat = identity.hair().length() != FaceIdentity.HairLength.BALD;
        Hat hat = canWearHat && random.chance(0.1) ? Hat.values()[1 + random.nextInt(3)] : Hat.NONE;
        Earrings earrings = random.chance(male ? 0.07 : 0.5) ? Earrings.values()[1 + random.nextInt(3)] : Earrings.NONE;
        Color metal = random.chance(0.5) ? Palette.rgb(225, 185, 60) : Palette.rgb(205, 205, 215);
        boolean necklace = random.chance(male ? 0.06 : 0.3);
        boolean necktie = male && random.chance(0.2);
        return new Accessories(
                glasses,
                frame,
                hat,
                Palette.random(random),
                earrings,
                metal,
                necklace,
                necktie,
                Palette.random(random),
                Palette.random(random));
    }

    private static Makeup makeup(SyntheticRandom random, FaceIdentity identity) {
        boolean male = identity.male();
        boolean heavy = !male && random.chance(0.45);
        boolean lipstick = heavy || random.chance(male ? 0.02 : 0.45);
        Color natural = Palette.mix(identity.skin(), Palette.rgb(175, 85, 90), 0.45);
        Color lips = lipstick ? Palette.jitter(random.pick(LIPSTICK), 10, random) : natural;
        Color eyeshadow = Palette.jitter(
                random.pick(new Color[] {
                    Palette.rgb(120, 80, 120),
                    Palette.rgb(90, 70, 60),
                    Palette.rgb(70, 100, 140),
                    Palette.rgb(150, 110, 80)
                }),
                15,
                random);
        return new Makeup(lipstick, lips, heavy, eyeshadow, random.chance(0.12));
    }

    private static Photo photo(SyntheticRandom random, boolean clean) {
        long backgroundSeed = random.nextLong();
        double lightAngle = random.uniform(0, 2 * Math.PI);
        double lightStrength = random.uniform(0.05, 0.4);
        Occluder occluder = random.chance(0.15) ? Occluder.values()[1 + random.nextInt(3)] : Occluder.NONE;
        long occluderSeed = random.nextLong();
        double blur = random.chance(0.08)
                ? random.uniform(BLURRY_SIGMA, 2.0)
                : random.chance(0.3) ? random.uniform(0.3, 0.6) : 0;
        double noise = random.chance(0.5) ? random.uniform(2, 9) : 0;
        double jpegQuality = random.chance(0.35) ? random.uniform(0.2, 0.7) : 0;
        if (clean) {
            return new Photo(true, backgroundSeed, 0, 0, Occluder.NONE, 0, 0, 0, 0);
        }
        return new Photo(
                false, backgroundSeed, lightAngle, lightStrength, occluder, occluderSeed, blur, noise, jpegQuality);
    }

    boolean blurry() {
        return photo.blur() >= BLURRY_SIGMA;
    }
}
