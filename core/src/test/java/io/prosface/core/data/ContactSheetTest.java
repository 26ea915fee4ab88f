package io.prosface.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prosface.core.synthetic.SyntheticFaceGenerator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Writes contact sheets into target/ for a person to look at; asserts only that they are well-formed. */
class ContactSheetTest {

    @Test
    void writesAnEightByEightSheetOfLabelledFaces() throws IOException {
        Path file = Path.of("target", "contact-sheet.png");
        ContactSheet.write(faces(new SyntheticFaceGenerator(128), 64), 8, 128, file);
        BufferedImage sheet = ImageIO.read(file.toFile());
        assertEquals(8 * 130, sheet.getWidth());
        assertEquals(8 * (128 + 3 * 11 + 4), sheet.getHeight());
        Path small = Path.of("target", "contact-sheet-64px.png");
        ContactSheet.write(faces(new SyntheticFaceGenerator(64), 64), 8, 128, small);
    }

    @Test
    void writesOnePersonPerRowUnderEveryExpression() throws IOException {
        SyntheticFaceGenerator generator = SyntheticFaceGenerator.clean(128);
        List<FaceSample> samples = new ArrayList<>();
        for (long identity = 0; identity < 4; identity++) {
            for (Expression expression : Expression.values()) {
                samples.add(generator.render(identity, expression, identity));
            }
        }
        Path file = Path.of("target", "contact-sheet-expressions.png");
        ContactSheet.write(samples, 7, 128, file);
        assertEquals(7 * 130, ImageIO.read(file.toFile()).getWidth());
    }

    private static List<FaceSample> faces(SyntheticFaceGenerator generator, int count) {
        List<FaceSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(generator.render(SyntheticFaceGenerator.sampleSeed(2024, i)));
        }
        return samples;
    }
}
