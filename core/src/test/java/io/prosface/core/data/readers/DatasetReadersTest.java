package io.prosface.core.data.readers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceDatasets;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.InvalidImageException;
import io.prosface.core.data.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on small hand-written files: labels, laziness, and errors that name file and line. */
class DatasetReadersTest {

    @TempDir
    Path folder;

    private final ImageDecoder decoder = ImageDecoder.withDefaultLimits();

    private Path image(String relative) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.write(
                file, TestImages.encode(TestImages.gradient(12, 10), relative.endsWith(".png") ? "png" : "jpeg"));
    }

    private Path text(String relative, String content) throws IOException {
        Path file = folder.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @Test
    void celebaAttributesBecomeNamedBooleans() throws IOException {
        image("images/000001.jpg");
        image("images/000002.jpg");
        text(
                "list_attr_celeba.txt",
                "3\nSmiling Male Eyeglasses\n000001.jpg  1 -1 -1\n000002.jpg -1  1  1\n000003.jpg 1 1 1\n");
        ImageFileDataset dataset = CelebaReader.read(folder, decoder);
        assertEquals(2, dataset.size());
        assertEquals(Map.of("missing image", 1), dataset.droppedCounts());
        assertEquals(
                Map.of("Smiling", true, "Male", false, "Eyeglasses", false),
                dataset.labels(0).attributes());
        FaceSample second = dataset.get(1);
        assertEquals("000002.jpg", second.id());
        assertEquals(true, second.labels().attributes().get("Male"));
        assertEquals(12, second.image().getWidth());
    }

    @Test
    void celebaErrorsNameFileAndLine() throws IOException {
        String names = String.join(" ", java.util.Collections.nCopies(40, "A")).replace("A", "Attr");
        StringBuilder rows = new StringBuilder("20\n" + names + "\n");
        for (int i = 1; i <= 20; i++) {
            int values = i == 15 ? 39 : 40;
            rows.append(String.format("%06d.jpg", i))
                    .append(" 1".repeat(values))
                    .append('\n');
        }
        Path file = text("list_attr_celeba.txt", rows.toString());
        DatasetFormatException error = assertThrows(DatasetFormatException.class, () -> CelebaReader.parse(file));
        assertTrue(
                error.getMessage().endsWith("list_attr_celeba.txt:17: expected 40 values, got 39"), error.getMessage());

        text("bad/list_attr_celeba.txt", "2\nSmiling\n1.jpg 1\n2.jpg 0\n");
        error = assertThrows(
                DatasetFormatException.class, () -> CelebaReader.parse(folder.resolve("bad/list_attr_celeba.txt")));
        assertTrue(
                error.getMessage().contains("list_attr_celeba.txt:4: attribute Smiling must be 1 or -1, got '0'"),
                error.getMessage());

        text("short/list_attr_celeba.txt", "3\nSmiling\n1.jpg 1\n");
        error = assertThrows(
                DatasetFormatException.class, () -> CelebaReader.parse(folder.resolve("short/list_attr_celeba.txt")));
        assertTrue(
                error.getMessage().contains("list_attr_celeba.txt:1: header says 3 rows, found 1"), error.getMessage());
    }

    @Test
    void ptsFilesPairWithImagesAndErrorsNameTheLine() throws IOException {
        image("faces/a.jpg");
        text("faces/a.pts", "version: 1\nn_points: 3\n{\n1.5 2\n3 4.25\n5 6\n}\n");
        text("faces/orphan.pts", "version: 1\nn_points: 3\n{\n1 2\n3 4\n5 6\n}\n");
        ImageFileDataset dataset = IbugReader.read(folder.resolve("faces"), decoder);
        assertEquals(1, dataset.size());
        assertArrayEquals(
                new float[] {1.5f, 2, 3, 4.25f, 5, 6}, dataset.get(0).labels().landmarks());
        assertEquals(Map.of("no image next to the .pts", 1), dataset.droppedCounts());

        Path shortPoint = text("broken/b.pts", "version: 1\nn_points: 3\n{\n1 2\n3\n5 6\n}\n");
        DatasetFormatException error =
                assertThrows(DatasetFormatException.class, () -> IbugReader.parsePts(shortPoint));
        assertTrue(error.getMessage().endsWith("b.pts:5: expected 2 numbers (x y), got 1"), error.getMessage());
        Path unclosed = text("broken/c.pts", "version: 1\nn_points: 2\n{\n1 2\n3 4\n5 6\n");
        error = assertThrows(DatasetFormatException.class, () -> IbugReader.parsePts(unclosed));
        assertTrue(error.getMessage().endsWith("c.pts:6: expected '}' after 2 points"), error.getMessage());
        Path noCount = text("broken/d.pts", "version: 1\n{\n1 2\n}\n");
        error = assertThrows(DatasetFormatException.class, () -> IbugReader.parsePts(noCount));
        assertTrue(error.getMessage().contains("d.pts:2: missing 'n_points: N'"), error.getMessage());
    }

    @Test
    void expressionCsvMapsSynonymsDropsContemptAndRefusesUnknownLabels() throws IOException {
        for (String name : List.of("a.jpg", "b.jpg", "c.jpg", "d.jpg")) {
            image("pics/" + name);
        }
        Path csv = text(
                "labels.csv",
                "image,expression\na.jpg,Happiness\nb.jpg,NEUTRAL\n\"c.jpg\",sad\nd.jpg,contempt\ne.jpg,anger\n");
        ImageFileDataset dataset = ExpressionCsvReader.read(csv, folder.resolve("pics"), decoder);
        assertEquals(3, dataset.size());
        assertEquals(Expression.HAPPINESS, dataset.labels(0).expression());
        assertEquals(Expression.NEUTRAL, dataset.labels(1).expression());
        assertEquals(Expression.SADNESS, dataset.labels(2).expression());
        assertEquals(Map.of("contempt", 1, "missing image", 1), dataset.droppedCounts());
        assertTrue(dataset.describe().contains("contempt=1"), dataset.describe());

        Path unknown = text("unknown.csv", "expression,image\nhappy,a.jpg\nbored,b.jpg\n");
        DatasetFormatException error = assertThrows(
                DatasetFormatException.class, () -> ExpressionCsvReader.read(unknown, folder.resolve("pics"), decoder));
        assertTrue(error.getMessage().contains("unknown.csv:3: unknown expression 'bored'"), error.getMessage());
        Path noColumn = text("nocolumn.csv", "file,label\na.jpg,happy\n");
        error = assertThrows(
                DatasetFormatException.class,
                () -> ExpressionCsvReader.read(noColumn, folder.resolve("pics"), decoder));
        assertTrue(error.getMessage().contains("nocolumn.csv:1: header has no 'image' column"), error.getMessage());
    }

    @Test
    void utkFaceNamesCarryAgeGenderRaceAndMalformedNamesAreCounted() throws IOException {
        image("utk/26_1_3_20170119180000000.jpg.chip.jpg");
        image("utk/24_0_1_20170116220224657 .jpg.chip.jpg");
        image("utk/39_1_20170116174525125.jpg.chip.jpg");
        ImageFileDataset dataset = UtkFaceReader.read(folder.resolve("utk"), decoder);
        assertEquals(2, dataset.size());
        FaceLabels first = dataset.labels(0);
        assertEquals(24, first.age());
        assertEquals(0, first.gender());
        assertEquals(1, first.race());
        assertEquals(26, dataset.labels(1).age());
        assertEquals(Map.of("malformed name", 1), dataset.droppedCounts());
        assertTrue(dataset.describe().contains("39_1_20170116174525125.jpg.chip.jpg"), dataset.describe());
        assertThrows(DatasetFormatException.class, () -> UtkFaceReader.parseName(Path.of("x_1_2_3.jpg")));
        assertThrows(DatasetFormatException.class, () -> UtkFaceReader.parseName(Path.of("20_2_0_3.jpg")));
    }

    @Test
    void imageFolderIsRecursiveSortedAndUnlabeled() throws IOException {
        image("plain/b.png");
        image("plain/sub/a.jpg");
        text("plain/notes.txt", "not an image");
        ImageFileDataset dataset = ImageFolderReader.read(folder.resolve("plain"), decoder);
        assertEquals(2, dataset.size());
        assertEquals("b.png", dataset.id(0));
        assertEquals("sub/a.jpg", dataset.get(1).id());
        assertNull(dataset.get(1).labels().expression());
    }

    @Test
    void aBrokenImageFailsOnlyItsOwnGetAndIsCounted() throws IOException {
        image("mixed/good.jpg");
        Files.writeString(folder.resolve("mixed/broken.jpg"), "garbage");
        ImageFileDataset dataset = ImageFolderReader.read(folder.resolve("mixed"), decoder);
        InvalidImageException error = assertThrows(InvalidImageException.class, () -> dataset.get(0));
        assertTrue(error.getMessage().contains("broken.jpg"), error.getMessage());
        assertEquals(1, dataset.badImageCount());
        assertEquals("good.jpg", dataset.get(1).id());
    }

    @Test
    void concatenationAndSplitsKeepEverySampleOnce() throws IOException {
        image("one/a.jpg");
        image("two/b.jpg");
        image("two/c.jpg");
        FaceDataset all = FaceDatasets.concat(List.of(
                ImageFolderReader.read(folder.resolve("one"), decoder),
                ImageFolderReader.read(folder.resolve("two"), decoder)));
        assertEquals(3, all.size());
        assertEquals("c.jpg", all.get(2).id());
        List<FaceDataset> parts = FaceDatasets.split(all, 0.34, 1);
        assertEquals(1, parts.get(0).size());
        assertEquals(2, parts.get(1).size());
    }
}
