package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.VisionTransformerConfig;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curate keeps real faces and drops generated non-face images and an exact duplicate. */
class CurateTest {

    /** ../shared/data from the repository root; tests run in training/. */
    private static final Path REAL_DATA = Path.of("..", "..", "shared", "data");

    @TempDir
    Path temp;

    @Test
    void keepsFacesDropsNonFacesAndDuplicates() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(REAL_DATA.resolve("celeba")),
                "real face data not found at " + REAL_DATA.toAbsolutePath() + ": skipping the curation test");
        Path pool = Files.createDirectories(temp.resolve("pool"));
        List<Path> faces = Stream.of(
                        sample(REAL_DATA.resolve("celeba/images"), 6),
                        sample(REAL_DATA.resolve("lfpw/train"), 5),
                        sample(REAL_DATA.resolve("utkface"), 4),
                        sample(REAL_DATA.resolve("facial_expressions/images"), 5))
                .flatMap(List::stream)
                .toList();
        for (Path face : faces) {
            Files.copy(face, pool.resolve("face_" + face.getFileName()));
        }
        // an exact copy under another name: must go as a duplicate
        Files.copy(faces.get(0), pool.resolve("face_copy_" + faces.get(0).getFileName()));
        writeNonFaces(pool, 8);

        Path exemplars = temp.resolve("exemplars");
        assertEquals(
                0,
                CommandRunner.run(
                                "synth", "--count", "30", "--size", "64", "--seed", "5", "--out", exemplars.toString())
                        .exitCode());
        Path checkpoint = temp.resolve("checkpoint");
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.initialized(CheckpointConfig.of(VisionTransformerConfig.variant("vit_micro_patch8_32")), manager)
                    .save(checkpoint);
        }

        Path out = temp.resolve("curated");
        CommandRunner.Run result = CommandRunner.run(
                "curate",
                "--pool",
                pool.toString(),
                "--exemplars",
                exemplars.resolve("images").toString(),
                "--checkpoint",
                checkpoint.toString(),
                "--out",
                out.toString(),
                "--min-similarity",
                "-1");
        assertEquals(0, result.exitCode(), result.all());

        JsonObject report = JsonParser.parseString(Files.readString(out.resolve("report.json")))
                .getAsJsonObject();
        Map<String, String> decisions = new HashMap<>();
        for (JsonElement image : report.getAsJsonArray("images")) {
            JsonObject line = image.getAsJsonObject();
            decisions.put(
                    Path.of(line.get("file").getAsString()).getFileName().toString(),
                    line.get("decision").getAsString());
        }
        long nonFacesKept = decisions.entrySet().stream()
                .filter(e -> e.getKey().startsWith("nonface_") && e.getValue().equals("kept"))
                .count();
        long facesKept = decisions.entrySet().stream()
                .filter(e -> e.getKey().startsWith("face_")
                        && !e.getKey().startsWith("face_copy_")
                        && e.getValue().equals("kept"))
                .count();
        assertEquals(0, nonFacesKept, "non-face images kept: " + decisions);
        assertTrue(
                facesKept >= 0.75 * faces.size(),
                "only " + facesKept + " of " + faces.size() + " faces kept: " + decisions);
        String original = decisions.get("face_" + faces.get(0).getFileName());
        String copy = decisions.get("face_copy_" + faces.get(0).getFileName());
        assertTrue(
                original.equals("kept") != copy.equals("kept") || !original.equals("kept"),
                "an image and its exact copy are never both kept: " + original + ", " + copy);
        assertEquals(
                facesKept + (copy.equals("kept") ? 1 : 0),
                Files.list(out.resolve("images")).count());
        assertTrue(Files.size(out.resolve("contact-sheet.png")) > 1000);
    }

    private static List<Path> sample(Path folder, int count) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jpg"))
                    .sorted()
                    .limit(count)
                    .toList();
        }
    }

    /** Noise, gradients, stripes, a checkerboard, shapes and text: things that are not faces. */
    static void writeNonFaces(Path folder, int count) throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(120, 100, BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = image.createGraphics();
            switch (i % 8) {
                case 0 -> {
                    for (int y = 0; y < 100; y++) {
                        for (int x = 0; x < 120; x++) {
                            image.setRGB(x, y, random.nextInt(0xFFFFFF));
                        }
                    }
                }
                case 1 -> {
                    graphics.setPaint(new GradientPaint(0, 0, Color.BLUE, 120, 100, Color.ORANGE));
                    graphics.fillRect(0, 0, 120, 100);
                }
                case 2 -> {
                    for (int x = 0; x < 120; x += 10) {
                        graphics.setColor(x % 20 == 0 ? Color.BLACK : Color.WHITE);
                        graphics.fillRect(x, 0, 10, 100);
                    }
                }
                case 3 -> {
                    for (int y = 0; y < 100; y += 10) {
                        for (int x = 0; x < 120; x += 10) {
                            graphics.setColor((x + y) % 20 == 0 ? Color.DARK_GRAY : Color.LIGHT_GRAY);
                            graphics.fillRect(x, y, 10, 10);
                        }
                    }
                }
                case 4 -> {
                    graphics.setColor(new Color(30, 120, 40));
                    graphics.fillRect(0, 0, 120, 100);
                    graphics.setColor(Color.RED);
                    graphics.fillOval(20, 20, 40, 40);
                    graphics.setColor(Color.YELLOW);
                    graphics.fillRect(70, 50, 30, 30);
                }
                case 5 -> {
                    graphics.setColor(Color.WHITE);
                    graphics.fillRect(0, 0, 120, 100);
                    graphics.setColor(Color.BLACK);
                    graphics.setFont(new Font(Font.SERIF, Font.PLAIN, 14));
                    graphics.drawString("Lorem ipsum", 5, 30);
                    graphics.drawString("dolor sit amet", 5, 55);
                }
                case 6 -> {
                    graphics.setColor(new Color(135, 190, 235));
                    graphics.fillRect(0, 0, 120, 60);
                    graphics.setColor(new Color(90, 70, 40));
                    graphics.fillRect(0, 60, 120, 40);
                }
                default -> {
                    graphics.setColor(Color.GRAY);
                    graphics.fillRect(0, 0, 120, 100);
                    graphics.setStroke(new BasicStroke(3));
                    graphics.setColor(Color.BLACK);
                    graphics.drawLine(0, 0, 120, 100);
                    graphics.drawLine(120, 0, 0, 100);
                }
            }
            graphics.dispose();
            ImageIO.write(image, "png", folder.resolve("nonface_" + i + ".png").toFile());
        }
    }
}
