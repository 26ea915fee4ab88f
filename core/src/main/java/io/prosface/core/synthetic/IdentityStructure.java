package io.prosface.core.synthetic;

import io.prosface.core.synthetic.FaceIdentity.FaceShape;
import io.prosface.core.synthetic.FaceIdentity.Structure;
import io.prosface.core.synthetic.FaceIdentity.Traits;

/** Samples a person's feature sizes and positions (face units, see {@link FaceIdentity}). */
final class IdentityStructure {

    private IdentityStructure() {}

    static Structure sample(SyntheticRandom random, boolean male, Traits traits) {
        FaceShape shape = traits.chubby()
                ? FaceShape.ROUND
                : FaceShape.values()[random.weighted(0.4, 0.15, male ? 0.3 : 0.12, male ? 0.15 : 0.33)];
        double faceWidth = random.uniform(0.95, 1.04) * (traits.chubby() ? 1.1 : 1.0);
        double chin = switch (shape) {
            case OVAL -> random.uniform(1.32, 1.42);
            case ROUND -> random.uniform(1.18, 1.28);
            case SQUARE -> random.uniform(1.22, 1.34);
            case HEART -> random.uniform(1.28, 1.38);
        };
        double jawExponent = switch (shape) {
            case OVAL -> random.uniform(1.9, 2.2);
            case ROUND -> random.uniform(2.2, 2.5);
            case SQUARE -> random.uniform(2.9, 3.6);
            case HEART -> random.uniform(1.5, 1.75);
        };
        double jawNarrowing = switch (shape) {
            case OVAL -> random.uniform(0.1, 0.18);
            case ROUND -> random.uniform(0.0, 0.06);
            case SQUARE -> random.uniform(0.02, 0.08);
            case HEART -> random.uniform(0.16, 0.25);
        };
        double eyeHalfWidth = random.uniform(0.18, 0.215);
        boolean narrow = random.chance(0.12);
        double eyeOpening = narrow ? random.uniform(0.045, 0.055) : random.uniform(0.085, 0.105);
        double lowerLid = narrow ? random.uniform(0.03, 0.036) : random.uniform(0.055, 0.07);
        double browThickness = traits.bushyBrows()
                ? random.uniform(0.12, 0.15)
                : (male ? random.uniform(0.075, 0.095) : random.uniform(0.06, 0.085));
        double browArch = traits.archedBrows() ? random.uniform(0.065, 0.09) : random.uniform(0.01, 0.035);
        double noseScale = traits.bigNose() ? random.uniform(1.22, 1.38) : random.uniform(0.88, 1.1);
        double noseHalfWidth = random.uniform(0.13, 0.16)
                * (male ? 1.05 : 0.95)
                * (traits.pointyNose() ? 0.82 : 1)
                * (traits.bigNose() ? 1.18 : 1);
        double lipSum = traits.bigLips() ? random.uniform(0.175, 0.2) : random.uniform(0.1, 0.145);
        double upperShare = random.uniform(0.4, 0.47);
        double noseTip = random.uniform(0.44, 0.5) * Math.sqrt(noseScale);
        double upperLip = lipSum * upperShare;
        double lowerLip = lipSum - upperLip;
        // keep room between the nose's base (point 33) and the upper lip, and between the lower lip and the chin
        double mouthY = Math.max(random.uniform(0.83, 0.9), noseTip + 0.1 * noseScale + upperLip + 0.1);
        chin = Math.max(chin, mouthY + lowerLip + 0.3);
        return new Structure(
                shape,
                faceWidth,
                random.uniform(0.02, 0.1),
                chin,
                jawExponent,
                jawNarrowing,
                random.uniform(0.4, 0.45),
                eyeHalfWidth,
                eyeOpening,
                lowerLid,
                random.uniform(-0.01, 0.035),
                random.uniform(-0.31, -0.26),
                browThickness,
                browArch,
                noseTip,
                noseHalfWidth,
                noseScale,
                mouthY,
                random.uniform(0.27, 0.33) * (male ? 1.03 : 0.98),
                upperLip,
                lowerLip,
                random.uniform(0.9, 1.1),
                random.uniform(-1.02, -0.9));
    }
}
