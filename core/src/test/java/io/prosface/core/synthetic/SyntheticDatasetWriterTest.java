package io.prosface.core.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.FaceSample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetWriterTest {

    private static final long SEED = 42;
    private static final int COUNT = 9;

    @TempDir
    Path directory;

    @Test
    void writtenFilesParseBackToTheGeneratorsLabels() throws IOException {
        SyntheticFaceGenerator generator = new SyntheticFaceGenerator(48);
        new SyntheticDatasetWriter(generator, SyntheticDatasetWriter.ImageFormat.PNG, 2).write(directory, SEED, COUNT);

        List<String> attributeLines = Files.readAllLines(directory.resolve("list_attr_celeba.txt"));
        assertEquals(String.valueOf(COUNT), attributeLines.get(0));
        assertEquals(
                SyntheticAttributes.NAMES, List.of(attributeLines.get(1).trim().split(" ")));
        List<String> expressionLines = Files.readAllLines(directory.resolve("expressions.csv"));
        assertEquals("image,expression", expressionLines.get(0));
        assertEquals(COUNT + 2, attributeLines.size());
        assertEquals(COUNT + 1, expressionLines.size());

        for (int i = 0; i < COUNT; i++) {
            String name = String.format("%06d.png", i + 1);
            FaceSample expected = generator.render(SyntheticFaceGenerator.sampleSeed(SEED, i));
            String[] row = attributeLines.get(i + 2).trim().split("\\s+");
            assertEquals(name, row[0]);
            for (int a = 0; a < SyntheticAttributes.NAMES.size(); a++) {
                boolean value = expected.labels().attributes().get(SyntheticAttributes.NAMES.get(a));
                assertEquals(value ? "1" : "-1", row[a + 1], SyntheticAttributes.NAMES.get(a) + " of " + name);
            }
            assertEquals(name + "," + expected.labels().expression().label(), expressionLines.get(i + 1));
            assertArrayEquals(
                    expected.labels().landmarks(),
                    readPts(directory.resolve("images").resolve(String.format("%06d.pts", i + 1))),
                    0.0006f);
            BufferedImage image =
                    ImageIO.read(directory.resolve("images").resolve(name).toFile());
            assertArrayEquals(
                    SyntheticFaceGeneratorTest.pixels(expected.image()),
                    SyntheticFaceGeneratorTest.pixels(image),
                    "PNG is lossless: " + name);
        }
        String json = Files.readString(directory.resolve("synthetic.json"));
        assertTrue(
                json.contains("\"seed\": 42") && json.contains("\"count\": 9") && json.contains("\"imageSize\": 48"),
                json);
    }

    @Test
    void sameArgumentsGiveByteIdenticalOutputWhateverTheThreadCount() throws IOException {
        SyntheticFaceGenerator generator = new SyntheticFaceGenerator(40);
        Path first = directory.resolve("first");
        Path second = directory.resolve("second");
        new SyntheticDatasetWriter(generator, SyntheticDatasetWriter.ImageFormat.JPG, 1).write(first, SEED, COUNT);
        new SyntheticDatasetWriter(generator, SyntheticDatasetWriter.ImageFormat.JPG, 3).write(second, SEED, COUNT);
        List<Path> files = listFiles(first);
        assertEquals(
                listFiles(second).stream().map(second::relativize).toList(),
                files.stream().map(first::relativize).toList());
        assertEquals(COUNT * 2 + 3, files.size(), "images, .pts files, attribute list, expressions, json");
        for (Path file : files) {
            assertArrayEquals(
                    Files.readAllBytes(file),
                    Files.readAllBytes(second.resolve(first.relativize(file))),
                    "bytes of " + first.relativize(file));
        }
        assertTrue(Files.readString(first.resolve("list_attr_celeba.txt")).contains("000001.jpg "));
        assertEquals(
                40, ImageIO.read(first.resolve("images/000009.jpg").toFile()).getWidth());
    }

    private static List<Path> listFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Parses a 300-W .pts file the way a reader of the real data would. */
    static float[] readPts(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertEquals("version: 1", lines.get(0));
        assertEquals("n_points: 68", lines.get(1));
        assertEquals("{", lines.get(2));
        assertEquals("}", lines.get(lines.size() - 1));
        float[] points = new float[136];
        for (int i = 0; i < 68; i++) {
            String[] xy = lines.get(3 + i).split(" ");
            points[2 * i] = Float.parseFloat(xy[0]);
            points[2 * i + 1] = Float.parseFloat(xy[1]);
        }
        assertEquals(72, lines.size(), Arrays.toString(lines.toArray()));
        return points;
    }
}
