package io.prosface.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.readers.ImageFileDataset;
import io.prosface.core.data.readers.ImageFolderReader;
import io.prosface.core.model.Checkpoint;
import io.prosface.detect.FaceDetector;
import io.prosface.training.curate.CurationReport;
import io.prosface.training.curate.FaceCuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Face-aware curation of an unlabeled image pool. */
@Command(
        name = "curate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Face-aware retrieval (ProS's data curation): keep pool images whose area is predominantly one",
            "face. OpenCV's cascade detects and crops the face; the checkpoint's backbone embeds the crop; a Lucene",
            "HNSW index of face exemplars scores it (mean cosine to the k nearest); near-identical images are",
            "dropped. Writes <out>/images (the kept originals), report.json (every decision and why) and",
            "contact-sheet.png (kept in green, dropped in red with the reason)."
        })
public final class CurateCommand implements Callable<Integer> {

    @Option(
            names = "--pool",
            required = true,
            description = "Folder of unlabeled images to curate (recursive; repeatable).")
    List<Path> pools = new ArrayList<>();

    @Option(
            names = "--exemplars",
            required = true,
            description =
                    "Folder of face exemplars (recursive), e.g. a synth output or a handful of real face crops. [50-1000 images]")
    Path exemplars;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint whose backbone embeds the faces.")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "Output folder (created; its images/ is replaced).")
    Path out;

    @Option(
            names = "--min-face-fraction",
            defaultValue = "0.15",
            description =
                    "Largest face box / image area. [0.1-0.4]; 0.15 keeps tight and loose face crops, drops group "
                            + "and scene photos. (default: ${DEFAULT-VALUE})")
    double minFaceFraction;

    @Option(
            names = "--min-similarity",
            defaultValue = "auto",
            description =
                    "Exemplar score threshold in [-1, 1], or auto = 5th percentile of the exemplars' scores among "
                            + "themselves. (default: ${DEFAULT-VALUE})")
    String minSimilarity;

    @Option(
            names = "--duplicate-cosine",
            defaultValue = "0.99",
            description =
                    "Cosine (centred embeddings) above which two images are near-duplicates. [0.985-0.999]. Measured "
                            + "with a briefly trained micro backbone: exact copies 1.0, resized and re-encoded copies 0.992-0.9994, "
                            + "different faces up to 0.984. (default: ${DEFAULT-VALUE})")
    double duplicateCosine;

    @Option(
            names = "--neighbours",
            defaultValue = "5",
            description = "k of the exemplar score. [3-20] (default: ${DEFAULT-VALUE})")
    int neighbours;

    @Option(
            names = "--max-exemplars",
            defaultValue = "500",
            description = "Use at most this many exemplars. (default: ${DEFAULT-VALUE})")
    int maxExemplars;

    @Option(
            names = "--sheet-samples",
            defaultValue = "24",
            description = "Kept and dropped samples on the contact sheet. (default: ${DEFAULT-VALUE})")
    int sheetSamples;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        Device chosen = device.chooseAndLog();
        ImageDecoder decoder = ImageDecoder.withDefaultLimits();
        List<Path> pool = new ArrayList<>();
        for (Path folder : pools) {
            pool.addAll(files(ImageFolderReader.read(folder, decoder)));
        }
        List<Path> exemplarFiles = files(ImageFolderReader.read(exemplars, decoder));
        exemplarFiles = exemplarFiles.subList(0, Math.min(maxExemplars, exemplarFiles.size()));
        double similarity = minSimilarity.equalsIgnoreCase("auto") ? Double.NaN : Double.parseDouble(minSimilarity);
        FaceCuration.Settings settings = new FaceCuration.Settings(
                minFaceFraction,
                similarity,
                duplicateCosine,
                neighbours,
                Runtime.getRuntime().availableProcessors());
        System.out.println("curating " + pool.size() + " images against " + exemplarFiles.size() + " exemplars");
        FaceCuration.Outcome outcome;
        try (NDManager manager = NDManager.newBaseManager(chosen);
                FaceDetector detector = new FaceDetector()) {
            Checkpoint model = Checkpoint.load(checkpoint, manager);
            FacePreprocessor preprocessor = new FacePreprocessor(model.config().preprocessing(), decoder);
            outcome = new FaceCuration(settings, model.backbone(), preprocessor, manager)
                    .curate(pool, exemplarFiles, detector);
        }
        Path images = out.resolve("images");
        io.prosface.core.train.DirectorySwap.deleteRecursively(images);
        Files.createDirectories(images);
        int index = 0;
        for (var candidate : outcome.candidates()) {
            index++;
            if (candidate.kept()) {
                // numbered prefix: pools may hold equal file names in different folders
                Files.copy(
                        candidate.file(),
                        images.resolve(
                                String.format("%06d_%s", index, candidate.file().getFileName())),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("pool", pools.stream().map(Path::toString).toList());
        parameters.put("exemplars", exemplars.toString());
        parameters.put("checkpoint", checkpoint.toString());
        parameters.put("minFaceFraction", minFaceFraction);
        parameters.put("minSimilarity", minSimilarity);
        parameters.put("duplicateCosine", duplicateCosine);
        parameters.put("neighbours", neighbours);
        CurationReport.write(out, outcome, parameters, sheetSamples);
        System.out.printf(
                java.util.Locale.ROOT,
                "similarity threshold %.3f; decisions %s%n",
                outcome.similarityThreshold(),
                CurationReport.counts(outcome));
        System.out.println("kept images: " + images + "; report: " + out.resolve("report.json") + "; sheet: "
                + out.resolve("contact-sheet.png"));
        return 0;
    }

    private static List<Path> files(ImageFileDataset dataset) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < dataset.size(); i++) {
            files.add(dataset.imagePath(i));
        }
        return files;
    }
}
