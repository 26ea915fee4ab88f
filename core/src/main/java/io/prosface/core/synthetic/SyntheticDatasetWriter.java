package io.prosface.core.synthetic;

import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes synthetic faces as a data set in the real data sets' formats, so one set of readers loads both:
 * <pre>
 * images/000001.jpg (or .png)   the faces, numbered from 1 as in CelebA
 * images/000001.pts             68 iBUG points beside each image (300-W format)
 * list_attr_celeba.txt          CelebA attribute list: count, names, then "000001.jpg  1 -1 ..."
 * expressions.csv               "image,expression" with lower-case labels
 * synthetic.json                generator, seed, image size, count and format
 * </pre>
 * Sample {@code i} is drawn from {@link SyntheticFaceGenerator#sampleSeed(long, long)}, so the output does not
 * depend on the number of threads: the same arguments give byte-identical files (no timestamps, fixed order).
 */
public final class SyntheticDatasetWriter {

    /** Image file format; JPEG is written at quality 0.95. */
    public enum ImageFormat {
        PNG("png"),
        JPG("jpg");

        private final String extension;

        ImageFormat(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    private static final float JPEG_QUALITY = 0.95f;

    private final SyntheticFaceGenerator generator;
    private final ImageFormat format;
    private final int threads;

    public SyntheticDatasetWriter(SyntheticFaceGenerator generator, ImageFormat format, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.generator = generator;
        this.format = format;
        this.threads = threads;
    }

    /** File name of sample {@code index} (0-based): {@code 000001.jpg} for index 0. */
    public String imageName(int index) {
        return String.format(Locale.ROOT, "%06d.%s", index + 1, format.extension());
    }

    /** Writes {@code count} faces of data set {@code seed} into {@code directory} (created if missing). */
    public void write(Path directory, long seed, int count) throws IOException {
        if (count < 1 || count > 999_999) {
            throw new IllegalArgumentException("count must be in 1..999999: " + count);
        }
        Path images = Files.createDirectories(directory.resolve("images"));
        FaceLabels[] labels = new FaceLabels[count];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    labels[index] = writeSample(images, seed, index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing " + directory, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io
                    ? io
                    : new IOException("writing a sample failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        writeAttributes(directory.resolve("list_attr_celeba.txt"), labels);
        writeExpressions(directory.resolve("expressions.csv"), labels);
        write(
                directory.resolve("synthetic.json"),
                String.format(
                        Locale.ROOT,
                        "{\n  \"generator\": \"SyntheticFaceGenerator\",\n  \"seed\": %d,\n  \"count\": %d,\n"
                                + "  \"imageSize\": %d,\n  \"format\": \"%s\",\n  \"clean\": %b,\n  \"framing\": \"%s\",\n"
                                + "  \"attributes\": %d,\n  \"landmarks\": \"ibug68\"\n}\n",
                        seed,
                        count,
                        generator.imageSize(),
                        format.extension(),
                        generator.isClean(),
                        generator
                                .faceMargin()
                                .map(margin -> "face, margin " + margin)
                                .orElse("photo"),
                        SyntheticAttributes.NAMES.size()));
    }

    private FaceLabels writeSample(Path images, long seed, int index) throws IOException {
        FaceSample sample = generator.render(SyntheticFaceGenerator.sampleSeed(seed, index));
        String name = imageName(index);
        Files.write(images.resolve(name), encode(sample.image()));
        String stem = name.substring(0, name.lastIndexOf('.'));
        write(images.resolve(stem + ".pts"), pts(sample.labels().landmarks()));
        return sample.labels();
    }

    /** Encodes in memory: ImageIO's stream helpers may otherwise cache through temporary files. */
    private byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format == ImageFormat.PNG ? "png" : "jpeg")
                .next();
        try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam parameters = writer.getDefaultWriteParam();
            if (format == ImageFormat.JPG) {
                parameters.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                parameters.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, null), parameters);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** 300-W point file: pixel coordinates of the image, three decimals. */
    static String pts(float[] landmarks) {
        StringBuilder text = new StringBuilder("version: 1\nn_points: ")
                .append(landmarks.length / 2)
                .append("\n{\n");
        for (int i = 0; i < landmarks.length; i += 2) {
            text.append(String.format(Locale.ROOT, "%.3f %.3f\n", landmarks[i], landmarks[i + 1]));
        }
        return text.append("}\n").toString();
    }

    private void writeAttributes(Path file, FaceLabels[] labels) throws IOException {
        // CelebA layout: the count, the names (with CelebA's trailing space), then one row per image with each
        // value right-aligned in two characters after a space
        StringBuilder text = new StringBuilder().append(labels.length).append('\n');
        text.append(String.join(" ", SyntheticAttributes.NAMES)).append(" \n");
        for (int i = 0; i < labels.length; i++) {
            text.append(imageName(i));
            for (String name : SyntheticAttributes.NAMES) {
                text.append(labels[i].attributes().get(name) ? "  1" : " -1");
            }
            text.append('\n');
        }
        write(file, text.toString());
    }

    private void writeExpressions(Path file, FaceLabels[] labels) throws IOException {
        StringBuilder text = new StringBuilder("image,expression\n");
        for (int i = 0; i < labels.length; i++) {
            text.append(imageName(i))
                    .append(',')
                    .append(labels[i].expression().label())
                    .append('\n');
        }
        write(file, text.toString());
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
