package io.prosface.server.finetune.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.model.HeadKind;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.Archives;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Manifest formats and label checks; every error names its line. */
class ManifestParserTest {

    private static TaskSpec spec(HeadKind kind, List<String> labels) {
        return new TaskSpec(kind, "test", labels, new TrainingOptions(1, 0.001, 8, 0.2, 0, 0, 0, true, false));
    }

    private static Manifest parse(String name, String text) {
        return ManifestParser.parse(name, Archives.text(text));
    }

    @Test
    void csvClassificationInfersSortedClasses() {
        Manifest manifest = parse("labels.csv", "image,label\na.jpg,smile\n\n\"b,1.jpg\",neutral\n");
        assertEquals(
                List.of("a.jpg", "b,1.jpg"),
                manifest.rows().stream().map(Manifest.Row::image).toList());
        assertEquals(4, manifest.rows().get(1).line());
        LabelEncoder.Encoded encoded = LabelEncoder.encode(spec(HeadKind.CLASSIFICATION, List.of()), manifest);
        assertEquals(List.of("neutral", "smile"), encoded.labels());
        assertArrayEquals(new float[] {1}, encoded.targets().get(0));
    }

    @Test
    void csvMultilabelRegressionAndLandmarks() {
        LabelEncoder.Encoded tags = LabelEncoder.encode(
                spec(HeadKind.MULTILABEL, List.of()), parse("m.csv", "image,labels\na.jpg,hat;glasses\nb.jpg,\n"));
        assertEquals(List.of("glasses", "hat"), tags.labels());
        assertArrayEquals(new float[] {1, 1}, tags.targets().get(0));
        assertArrayEquals(new float[] {0, 0}, tags.targets().get(1));
        LabelEncoder.Encoded ages = LabelEncoder.encode(
                spec(HeadKind.REGRESSION, List.of()), parse("r.csv", "image,age\na.jpg,31\nb.jpg,7.5\n"));
        assertEquals(List.of("age"), ages.labels());
        assertArrayEquals(new float[] {7.5f}, ages.targets().get(1));
        LabelEncoder.Encoded points = LabelEncoder.encode(
                spec(HeadKind.LANDMARKS, List.of()), parse("p.csv", "image,x0,y0,x1,y1\na.jpg,1,2,3,4\n"));
        assertEquals(List.of("0", "1"), points.labels());
    }

    @Test
    void jsonFormsWithLineNumbers() {
        Manifest manifest = parse("labels.json", "{\n  \"a.jpg\": \"smile\",\n  \"b.jpg\": \"neutral\"\n}");
        assertEquals(3, manifest.rows().get(1).line());
        LabelEncoder.Encoded ages = LabelEncoder.encode(
                spec(HeadKind.REGRESSION, List.of()),
                parse("r.json", "{\"a.jpg\": {\"age\": 30}, \"b.jpg\": {\"age\": 40}}"));
        assertEquals(List.of("age"), ages.labels());
        LabelEncoder.Encoded points = LabelEncoder.encode(
                spec(HeadKind.LANDMARKS, List.of()), parse("p.json", "{\"a.jpg\": [[1, 2], [3, 4], [5, 6]]}"));
        assertEquals(3, points.labels().size());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, points.targets().get(0));
    }

    @Test
    void errorsNameTheLine() {
        assertMessage(
                "manifest line 3",
                () -> LabelEncoder.encode(
                        spec(HeadKind.CLASSIFICATION, List.of("a", "b")),
                        parse("l.csv", "image,label\nx.jpg,a\ny.jpg,c\nz.jpg,b\n")));
        assertMessage(
                "manifest line 2",
                () -> LabelEncoder.encode(
                        spec(HeadKind.REGRESSION, List.of()), parse("l.csv", "image,age\nx.jpg,old\n")));
        assertMessage("manifest line 3: expected 2 columns", () -> parse("l.csv", "image,label\nx.jpg,a\ny.jpg,b,c\n"));
        assertMessage("manifest line 1: the CSV header", () -> parse("l.csv", "x.jpg,a\n"));
        assertMessage("manifest line 2: invalid JSON", () -> parse("l.json", "{\"a.jpg\": \"x\",\n oops}"));
        assertMessage(
                "no example of class(es) [c]",
                () -> LabelEncoder.encode(
                        spec(HeadKind.CLASSIFICATION, List.of("a", "b", "c")),
                        parse("l.csv", "image,label\nx,a\ny,b\n")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        ServingException refused = assertThrows(ServingException.class, action);
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }

    @Test
    void jsonNested100000Deep() {
        String nested = "{\"a.jpg\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        ServingException refused = assertThrows(ServingException.class, () -> parse("labels.json", nested));
        assertTrue(
                refused.getMessage().contains("nested deeper than " + ManifestParser.MAX_JSON_NESTING),
                refused.getMessage());
    }
}
