package io.prosface.core.synthetic;

import io.prosface.core.synthetic.FaceIdentity.FacialHair;
import io.prosface.core.synthetic.FaceIdentity.Hair;
import io.prosface.core.synthetic.FaceIdentity.HairColor;
import io.prosface.core.synthetic.FaceIdentity.HairLength;
import io.prosface.core.synthetic.SceneSettings.Accessories;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CelebA attributes of a synthetic face, decided from what the painters draw. All CelebA attributes but
 * {@code Attractive} (a judgement, not something drawn) in CelebA's column order.
 */
public final class SyntheticAttributes {

    /** Attribute names exactly as in CelebA's {@code list_attr_celeba.txt}, in its column order. */
    public static final List<String> NAMES = List.of(
            "5_o_Clock_Shadow",
            "Arched_Eyebrows",
            "Bags_Under_Eyes",
            "Bald",
            "Bangs",
            "Big_Lips",
            "Big_Nose",
            "Black_Hair",
            "Blond_Hair",
            "Blurry",
            "Brown_Hair",
            "Bushy_Eyebrows",
            "Chubby",
            "Double_Chin",
            "Eyeglasses",
            "Goatee",
            "Gray_Hair",
            "Heavy_Makeup",
            "High_Cheekbones",
            "Male",
            "Mouth_Slightly_Open",
            "Mustache",
            "Narrow_Eyes",
            "No_Beard",
            "Oval_Face",
            "Pale_Skin",
            "Pointy_Nose",
            "Receding_Hairline",
            "Rosy_Cheeks",
            "Sideburns",
            "Smiling",
            "Straight_Hair",
            "Wavy_Hair",
            "Wearing_Earrings",
            "Wearing_Hat",
            "Wearing_Lipstick",
            "Wearing_Necklace",
            "Wearing_Necktie",
            "Young");

    /** Eyes whose visible opening (lid to lid over corner to corner) is below this ratio are Narrow_Eyes. */
    static final double NARROW_EYE_RATIO = 0.245;

    private SyntheticAttributes() {}

    static Map<String, Boolean> of(FaceIdentity identity, SceneSettings scene, FaceGeometry geometry) {
        Hair hair = identity.hair();
        boolean hasHair = hair.length() != HairLength.BALD;
        FacialHair facialHair = identity.facialHair();
        FaceIdentity.Structure structure = identity.structure();
        FaceIdentity.Traits traits = identity.traits();
        Accessories accessories = scene.accessories();
        ExpressionShape expression = geometry.expression;
        Map<String, Boolean> values = new LinkedHashMap<>();
        values.put("5_o_Clock_Shadow", facialHair.stubble());
        values.put("Arched_Eyebrows", structure.browArch() >= FaceIdentity.ARCHED_BROW);
        values.put("Bags_Under_Eyes", traits.bagsUnderEyes());
        values.put("Bald", !hasHair);
        values.put("Bangs", hair.bangs());
        values.put("Big_Lips", structure.upperLip() + structure.lowerLip() >= FaceIdentity.BIG_LIPS);
        values.put("Big_Nose", structure.noseScale() >= FaceIdentity.BIG_NOSE_SCALE);
        values.put("Black_Hair", hasHair && hair.colorName() == HairColor.BLACK);
        values.put("Blond_Hair", hasHair && hair.colorName() == HairColor.BLOND);
        values.put("Blurry", scene.blurry());
        values.put("Brown_Hair", hasHair && hair.colorName() == HairColor.BROWN);
        values.put("Bushy_Eyebrows", structure.browThickness() >= FaceIdentity.BUSHY_BROW);
        values.put("Chubby", traits.chubby());
        values.put("Double_Chin", traits.doubleChin());
        values.put("Eyeglasses", accessories.glasses() != SceneSettings.Glasses.NONE);
        values.put("Goatee", facialHair.goatee());
        values.put("Gray_Hair", hasHair && hair.colorName() == HairColor.GRAY);
        values.put("Heavy_Makeup", scene.makeup().heavy());
        values.put("High_Cheekbones", traits.highCheekbones());
        values.put("Male", identity.male());
        values.put("Mouth_Slightly_Open", expression.mouthOpenLabel());
        values.put("Mustache", facialHair.mustache());
        values.put("Narrow_Eyes", eyeOpeningRatio(structure, expression) < NARROW_EYE_RATIO);
        values.put("No_Beard", !facialHair.beard() && !facialHair.goatee());
        values.put("Oval_Face", structure.shape() == FaceIdentity.FaceShape.OVAL);
        values.put("Pale_Skin", identity.paleSkin());
        values.put("Pointy_Nose", traits.pointyNose());
        values.put("Receding_Hairline", hair.receding());
        values.put("Rosy_Cheeks", scene.makeup().rosyCheeks());
        values.put("Sideburns", facialHair.sideburns());
        values.put("Smiling", expression.smiling());
        values.put("Straight_Hair", hair.straight());
        values.put("Wavy_Hair", hair.wavy());
        values.put("Wearing_Earrings", accessories.earrings() != SceneSettings.Earrings.NONE);
        values.put("Wearing_Hat", accessories.hat() != SceneSettings.Hat.NONE);
        values.put("Wearing_Lipstick", scene.makeup().lipstick());
        values.put("Wearing_Necklace", accessories.necklace());
        values.put("Wearing_Necktie", accessories.necktie());
        values.put("Young", identity.age() < 40);
        return Collections.unmodifiableMap(values);
    }

    /** Lid-to-lid height over corner-to-corner width of the eye as drawn (upper lid peak plus lower lid depth). */
    static double eyeOpeningRatio(FaceIdentity.Structure structure, ExpressionShape expression) {
        double height = structure.eyeOpening() * expression.upperLid() + structure.lowerLid() * expression.lowerLid();
        return height / (2 * structure.eyeHalfWidth());
    }
}
