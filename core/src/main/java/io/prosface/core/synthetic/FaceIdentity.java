package io.prosface.core.synthetic;

import java.awt.Color;

/**
 * Everything one synthetic person keeps across renderings: sex, age, facial structure, skin, eyes, hair and facial
 * hair. Drawn from an identity seed alone, so one identity can be rendered under any expression and pose.
 * Distances are in face units: half the face width at the cheekbones is about 1, the eye line is y = 0, y grows
 * downwards and z towards the camera.
 */
record FaceIdentity(
        long seed,
        boolean male,
        int age,
        Structure structure,
        Color skin,
        boolean paleSkin,
        Color iris,
        Hair hair,
        FacialHair facialHair,
        Traits traits) {

    /** Face outline: jaw, chin and forehead. */
    enum FaceShape {
        OVAL,
        ROUND,
        SQUARE,
        HEART
    }

    enum HairColor {
        BLACK,
        BROWN,
        BLOND,
        GRAY,
        AUBURN
    }

    enum HairLength {
        BALD,
        BUZZ,
        SHORT,
        MEDIUM,
        LONG
    }

    /**
     * Feature sizes and positions in face units.
     *
     * @param faceWidth half width of the face at the cheekbones
     * @param jawTop y where the jaw contour (points 0 and 16) starts
     * @param chin y of the chin (point 8) with the mouth closed
     * @param jawExponent superellipse exponent of the jaw: 2 elliptic, larger squarer, smaller pointier
     * @param jawNarrowing how much the jaw narrows towards the chin (0 none)
     * @param eyeCenter x distance of each eye centre from the midline
     * @param eyeHalfWidth half the eye width (corner to corner)
     * @param eyeOpening upper lid height above the corner line
     * @param lowerLid lower lid depth below the corner line
     * @param eyeTilt how much higher the outer corner sits than the inner one
     * @param browHeight y of the brows' centre line (negative: above the eyes)
     * @param browThickness brow thickness at its inner end
     * @param browArch height of the brow's arch
     * @param noseTip y of the nose tip (point 30)
     * @param noseHalfWidth half the width of the nose wings (points 31 to 35)
     * @param noseScale length and projection factor of the nose
     * @param mouthY y of the mouth corners
     * @param mouthHalfWidth half the mouth width (points 48 to 54)
     * @param upperLip upper lip thickness
     * @param lowerLip lower lip thickness
     * @param earSize ear height factor
     * @param hairline y of the hairline at the midline
     */
    record Structure(
            FaceShape shape,
            double faceWidth,
            double jawTop,
            double chin,
            double jawExponent,
            double jawNarrowing,
            double eyeCenter,
            double eyeHalfWidth,
            double eyeOpening,
            double lowerLid,
            double eyeTilt,
            double browHeight,
            double browThickness,
            double browArch,
            double noseTip,
            double noseHalfWidth,
            double noseScale,
            double mouthY,
            double mouthHalfWidth,
            double upperLip,
            double lowerLip,
            double earSize,
            double hairline) {}

    /** Hair as drawn; {@code volume} scales the hair cap around the skull. */
    record Hair(
            HairColor colorName,
            Color color,
            HairLength length,
            boolean bangs,
            boolean receding,
            boolean wavy,
            boolean straight,
            double volume) {}

    record FacialHair(boolean mustache, boolean beard, boolean goatee, boolean sideburns, boolean stubble) {

        boolean any() {
            return mustache || beard || goatee || sideburns || stubble;
        }
    }

    /** Structural traits whose CelebA attribute is decided per person. */
    record Traits(
            boolean chubby,
            boolean bigNose,
            boolean pointyNose,
            boolean bigLips,
            boolean bushyBrows,
            boolean archedBrows,
            boolean highCheekbones,
            boolean doubleChin,
            boolean bagsUnderEyes,
            double wrinkles) {}

    /** Thresholds shared by the sampler and the labels, so a label always matches the drawn size. */
    static final double BIG_NOSE_SCALE = 1.18;

    static final double BIG_LIPS = 0.16;
    static final double BUSHY_BROW = 0.105;
    static final double ARCHED_BROW = 0.05;

    /** Samples a person from its seed alone. */
    static FaceIdentity sample(long identitySeed) {
        SyntheticRandom random = new SyntheticRandom(SyntheticRandom.derive(identitySeed, 1));
        boolean male = random.chance(0.5);
        int age = random.chance(0.68) ? (int) random.uniform(18, 40) : (int) random.uniform(40, 81);
        boolean paleSkin = random.chance(0.08);
        Color skin = paleSkin ? Palette.jitter(Palette.rgb(250, 228, 220), 5, random) : skinTone(random);
        Traits traits = traits(random, male, age);
        Structure structure = IdentityStructure.sample(random, male, traits);
        Color iris = random.pick(IRISES);
        Hair hair = hair(random, male, age);
        FacialHair facialHair = male ? facialHair(random) : new FacialHair(false, false, false, false, false);
        return new FaceIdentity(identitySeed, male, age, structure, skin, paleSkin, iris, hair, facialHair, traits);
    }

    private static final Color[] IRISES = {
        Palette.rgb(70, 45, 25),
        Palette.rgb(45, 30, 20),
        Palette.rgb(90, 60, 30),
        Palette.rgb(70, 110, 160),
        Palette.rgb(80, 120, 80),
        Palette.rgb(110, 110, 120),
        Palette.rgb(120, 90, 45)
    };

    /** Dark to light skin tones; pale skin is a separate, clearly lighter draw. */
    private static final Color[] SKIN = {
        Palette.rgb(80, 52, 38),
        Palette.rgb(128, 84, 60),
        Palette.rgb(176, 124, 92),
        Palette.rgb(212, 162, 128),
        Palette.rgb(232, 190, 160)
    };

    private static Color skinTone(SyntheticRandom random) {
        double position = random.uniform(0, SKIN.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(SKIN.length - 1, low + 1);
        return Palette.jitter(Palette.mix(SKIN[low], SKIN[high], position - low), 6, random);
    }

    private static Traits traits(SyntheticRandom random, boolean male, int age) {
        boolean chubby = random.chance(0.1);
        double wrinkles = age < 35 ? 0 : Math.min(1, (age - 35) / 40.0 + random.uniform(-0.1, 0.1));
        return new Traits(
                chubby,
                random.chance(male ? 0.3 : 0.15),
                random.chance(0.2),
                random.chance(male ? 0.15 : 0.35),
                random.chance(male ? 0.3 : 0.08),
                random.chance(male ? 0.12 : 0.5),
                random.chance(0.3),
                random.chance(chubby ? 0.5 : (age > 50 ? 0.1 : 0.02)),
                random.chance(age > 45 ? 0.45 : 0.1),
                Math.max(0, wrinkles));
    }

    private static Hair hair(SyntheticRandom random, boolean male, int age) {
        HairLength length = HairLength.values()[
                male
                        ? random.weighted(age > 45 ? 0.28 : 0.06, 0.12, 0.6, 0.14, 0.08)
                        : random.weighted(0.0, 0.02, 0.13, 0.3, 0.55)];
        double grayChance = age >= 55 ? 0.75 : age >= 42 ? 0.25 : 0.0;
        HairColor colorName = random.chance(grayChance)
                ? HairColor.GRAY
                : HairColor.values()[random.weighted(0.36, 0.34, 0.22, 0, 0.08)];
        boolean hasHair = length != HairLength.BALD;
        boolean styled = hasHair && length != HairLength.BUZZ;
        boolean bangs = styled && random.chance(male ? 0.15 : 0.35);
        boolean receding = styled && !bangs && male && age > 32 && random.chance(0.35);
        boolean longish = length == HairLength.MEDIUM || length == HairLength.LONG;
        boolean wavy = styled && random.chance(longish ? 0.42 : 0.15);
        boolean straight = styled && !wavy && random.chance(longish ? 0.7 : 0.3);
        double volume = switch (length) {
            case BALD -> 1.0;
            case BUZZ -> 1.02;
            case SHORT -> random.uniform(1.04, 1.1);
            default -> random.uniform(1.07, 1.16);
        };
        return new Hair(colorName, hairColor(colorName, random), length, bangs, receding, wavy, straight, volume);
    }

    private static Color hairColor(HairColor name, SyntheticRandom random) {
        Color base = switch (name) {
            case BLACK -> Palette.rgb(28, 24, 24);
            case BROWN -> Palette.mix(Palette.rgb(75, 48, 30), Palette.rgb(130, 88, 52), random.uniform(0, 1));
            case BLOND -> Palette.mix(Palette.rgb(200, 160, 95), Palette.rgb(240, 212, 150), random.uniform(0, 1));
            case GRAY -> Palette.mix(Palette.rgb(140, 140, 142), Palette.rgb(218, 218, 214), random.uniform(0, 1));
            case AUBURN -> Palette.mix(Palette.rgb(130, 50, 25), Palette.rgb(175, 80, 40), random.uniform(0, 1));
        };
        return Palette.jitter(base, 4, random);
    }

    private static FacialHair facialHair(SyntheticRandom random) {
        boolean beard = random.chance(0.26);
        boolean goatee = !beard && random.chance(0.16);
        boolean mustache = beard ? random.chance(0.75) : random.chance(goatee ? 0.5 : 0.14);
        boolean sideburns = beard ? random.chance(0.55) : random.chance(0.16);
        boolean stubble = !beard && random.chance(0.3);
        return new FacialHair(mustache, beard, goatee, sideburns, stubble);
    }
}
