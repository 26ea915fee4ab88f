package io.prosface.load;

import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.synthetic.SyntheticFaceGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The one image every request sends, made at run time: a synthetic face drawn by the core generator (JPEG), or a file
 * read where it lies (shared data is never copied into the repository; the written copy lives under target/).
 *
 * @param box the face box sent with each request; {@code null}: the server runs its face detector
 */
record TestImage(String description, byte[] bytes, String mediaType, int width, int height, int[] box) {

    static TestImage from(Scenario scenario) throws IOException {
        String source = scenario.text(Parameter.IMAGE_SOURCE);
        String boxSetting = scenario.text(Parameter.IMAGE_BOX);
        if (source.equals("synthetic")) {
            int size = scenario.integer(Parameter.IMAGE_SIZE);
            long seed = Long.parseLong(scenario.text(Parameter.IMAGE_SEED));
            FaceSample sample = new SyntheticFaceGenerator(size).render(seed);
            byte[] jpeg = encodeJpeg(sample.image());
            int[] box = switch (boxSetting) {
                case "landmarks" -> toPixels(FaceBox.enclosing(sample.labels().landmarks()), size, size);
                case "detect" -> null;
                default -> parseBox(boxSetting);
            };
            return new TestImage(
                    "synthetic face " + size + "x" + size + " seed " + seed + " (" + jpeg.length + " B JPEG)",
                    jpeg,
                    "image/jpeg",
                    size,
                    size,
                    box);
        }
        Path file = Path.of(source);
        byte[] bytes = Files.readAllBytes(file);
        BufferedImage decoded = ImageDecoder.withDefaultLimits().decode(bytes);
        int[] box = switch (boxSetting) {
            case "detect" -> null;
            case "landmarks" ->
                throw new IllegalArgumentException(
                        "image.box=landmarks needs image.source=synthetic; use detect or x,y,w,h for " + source);
            default -> parseBox(boxSetting);
        };
        String mediaType = source.toLowerCase().endsWith(".png") ? "image/png" : "image/jpeg";
        return new TestImage(
                file.getFileName() + " " + decoded.getWidth() + "x" + decoded.getHeight() + " (" + bytes.length + " B)",
                bytes,
                mediaType,
                decoded.getWidth(),
                decoded.getHeight(),
                box);
    }

    /** {@code x,y,width,height} for the REST query parameter, or {@code null} when the server detects. */
    String boxQuery() {
        return box == null ? null : box[0] + "," + box[1] + "," + box[2] + "," + box[3];
    }

    Path writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(mediaType.equals("image/png") ? "request-image.png" : "request-image.jpg");
        Files.write(file, bytes);
        return file;
    }

    /** The landmark box, clipped to the image and rounded outwards to whole pixels. */
    private static int[] toPixels(FaceBox box, int width, int height) {
        int left = Math.max(0, (int) Math.floor(box.x()));
        int top = Math.max(0, (int) Math.floor(box.y()));
        int right = Math.min(width, (int) Math.ceil(box.x() + box.width()));
        int bottom = Math.min(height, (int) Math.ceil(box.y() + box.height()));
        return new int[] {left, top, right - left, bottom - top};
    }

    private static int[] parseBox(String text) {
        String[] parts = text.split(",");
        if (parts.length != 4) {
            throw new IllegalArgumentException("image.box must be landmarks, detect or x,y,w,h: " + text);
        }
        int[] box = new int[4];
        for (int index = 0; index < 4; index++) {
            box[index] = Integer.parseInt(parts[index].trim());
        }
        return box;
    }

    private static byte[] encodeJpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", out)) {
            throw new IOException("no JPEG writer in this JDK");
        }
        return out.toByteArray();
    }
}
