package io.prosface.training;

import io.prosface.core.data.ContactSheet;
import io.prosface.core.data.FaceSample;
import io.prosface.core.synthetic.SyntheticDatasetWriter;
import io.prosface.core.synthetic.SyntheticFaceGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a synthetic face data set in the real data sets' formats (CelebA list, expression CSV, iBUG .pts). */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Write procedurally generated faces with labels: images/NNNNNN.jpg + .pts (68 iBUG points),",
            "list_attr_celeba.txt (CelebA attributes), expressions.csv (7 expressions), synthetic.json.",
            "The same arguments give byte-identical output, whatever the thread count.",
            "Use different --seed values for pretraining, head training and held-out evaluation sets."
        })
public final class SynthCommand implements Callable<Integer> {

    @Option(
            names = "--count",
            required = true,
            description = "Number of faces. [200 for tests; 5000-20000 for pretraining]")
    int count;

    @Option(
            names = "--size",
            defaultValue = "64",
            description = "Image side in pixels; at least the model's input size. [32-224] (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Data set seed. (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "Output folder (created).")
    Path out;

    @Option(
            names = "--format",
            defaultValue = "jpg",
            description =
                    "Image format: jpg (quality 0.95, like real photos) or png (lossless). (default: ${DEFAULT-VALUE})")
    String format;

    @Option(
            names = "--framing",
            defaultValue = "photo",
            description = {
                "photo: the whole synthetic photo (head, hair, shoulders; the face is about 46%% of the width).",
                "face: the face cut the way the server cuts a detected face, --face-margin around the landmarks' box",
                "(the face fills about 70%% of the image): what a curated or served face looks like.",
                "(default: ${DEFAULT-VALUE})"
            })
    SyntheticFraming framing;

    @Option(
            names = "--face-margin",
            defaultValue = "0.2",
            description = "Margin of --framing face, per side, as a fraction of the face box; keep it equal to the "
                    + "checkpoint's preprocessing faceMargin. [0.1-0.4] (default: ${DEFAULT-VALUE})")
    float faceMargin;

    @Option(
            names = "--clean",
            description = "Plain background, no occluders, blur, noise or JPEG artefacts (debugging).")
    boolean clean;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "Rendering threads (0 = all cores); does not change the output. (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--contact-sheet",
            defaultValue = "0",
            description =
                    "Also write contact-sheet.png with the first N faces and their labels drawn. [0-64] (default: ${DEFAULT-VALUE})")
    int contactSheet;

    @Override
    public Integer call() throws IOException {
        SyntheticFaceGenerator generator = (clean
                        ? SyntheticFaceGenerator.clean(size)
                        : new SyntheticFaceGenerator(size))
                .withFaceMargin(framing == SyntheticFraming.face ? faceMargin : null);
        SyntheticDatasetWriter.ImageFormat imageFormat = switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "jpg", "jpeg" -> SyntheticDatasetWriter.ImageFormat.JPG;
            case "png" -> SyntheticDatasetWriter.ImageFormat.PNG;
            default -> throw new IllegalArgumentException("--format must be jpg or png, got " + format);
        };
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        new SyntheticDatasetWriter(generator, imageFormat, workers).write(out, seed, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                java.util.Locale.ROOT,
                "wrote %d synthetic faces (%d px, %s framing, seed %d) to %s in %.1f s%n",
                count,
                size,
                framing,
                seed,
                out,
                seconds);
        if (contactSheet > 0) {
            List<FaceSample> samples = new ArrayList<>();
            for (int i = 0; i < Math.min(contactSheet, count); i++) {
                samples.add(generator.render(SyntheticFaceGenerator.sampleSeed(seed, i)));
            }
            Path sheet = out.resolve("contact-sheet.png");
            ContactSheet.write(samples, 8, Math.max(size, 96), sheet);
            System.out.println("contact sheet: " + sheet);
        }
        return 0;
    }
}
