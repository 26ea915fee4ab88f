package io.prosface.training.curate;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.PreparedFace;
import io.prosface.core.eval.CachedFeatures;
import io.prosface.core.eval.FeatureExtractor;
import io.prosface.core.model.VisionTransformer;
import io.prosface.detect.FaceBox;
import io.prosface.detect.FaceDetector;
import io.prosface.detect.LandmarkSquare;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * ProS's face-aware retrieval, at our scale. Keeps pool images whose area is predominantly one face:
 * <ol>
 *   <li>detect: OpenCV's cascade must find a face covering at least {@code minFaceFraction} of the image;</li>
 *   <li>retrieve: the face crop is embedded with the checkpoint's backbone (class token, centred on the mean
 *       embedding of pool and exemplars, unit length) and looked up in a Lucene HNSW index of face exemplars; its
 *       score is the mean cosine to the k nearest; it must reach the threshold (by default the 5th percentile of
 *       the exemplars' own scores against each other: as face-like as the exemplars themselves);</li>
 *   <li>de-duplicate: in score order, an image whose HNSW neighbour among the images already kept is closer than
 *       {@code duplicateCosine} is dropped as a near-duplicate.</li>
 * </ol>
 */
public final class FaceCuration {

    /**
     * @param minFaceFraction face box area / image area (0.2 means the largest face covers 20% of the image)
     * @param minSimilarity exemplar score threshold, or NaN for the automatic one
     * @param duplicateCosine cosine above which two images count as near-identical
     * @param neighbours k of the exemplar score
     */
    public record Settings(
            double minFaceFraction, double minSimilarity, double duplicateCosine, int neighbours, int threads) {}

    /** The decisions: every candidate, kept or with its reason, and the threshold used. */
    public record Outcome(List<Candidate> candidates, double similarityThreshold, int exemplars) {}

    private final Settings settings;
    private final VisionTransformer backbone;
    private final FacePreprocessor preprocessor;
    private final NDManager manager;

    public FaceCuration(
            Settings settings, VisionTransformer backbone, FacePreprocessor preprocessor, NDManager manager) {
        this.settings = settings;
        this.backbone = backbone;
        this.preprocessor = preprocessor;
        this.manager = manager;
    }

    public Outcome curate(List<Path> pool, List<Path> exemplarFiles, FaceDetector detector) throws Exception {
        List<Candidate> candidates = detect(pool, detector);
        List<Candidate> faces = candidates.stream().filter(Candidate::kept).toList();
        ImageDecoder decoder = preprocessor.decoder();
        List<float[]> exemplarPixels = new ArrayList<>();
        for (Path file : exemplarFiles) {
            exemplarPixels.add(preprocessor.prepare(decoder.decode(file), null).pixels());
        }
        if (exemplarPixels.size() < 2) {
            throw new IllegalArgumentException("need at least 2 exemplar faces, got " + exemplarPixels.size());
        }
        List<float[]> candidatePixels = new ArrayList<>();
        for (Candidate candidate : faces) {
            // framed as the server frames a detected face: around the square its landmarks span
            LandmarkSquare square = LandmarkSquare.of(candidate.face);
            io.prosface.core.data.FaceBox box = new io.prosface.core.data.FaceBox(
                    (float) square.x(), (float) square.y(), (float) square.side(), (float) square.side());
            PreparedFace prepared = preprocessor.prepare(decoder.decode(candidate.file), box);
            candidatePixels.add(prepared.pixels());
        }
        List<float[]> exemplarEmbeddings = embed(exemplarPixels);
        List<float[]> candidateEmbeddings = embed(candidatePixels);
        centre(exemplarEmbeddings, candidateEmbeddings);
        for (int i = 0; i < faces.size(); i++) {
            faces.get(i).embedding = candidateEmbeddings.get(i);
        }
        double threshold;
        try (VectorIndex exemplars = new VectorIndex(exemplarEmbeddings)) {
            threshold = Double.isNaN(settings.minSimilarity())
                    ? automaticThreshold(exemplars, exemplarEmbeddings)
                    : settings.minSimilarity();
            for (Candidate candidate : faces) {
                candidate.exemplarScore = meanCosine(exemplars.nearest(candidate.embedding, settings.neighbours()), -1);
                if (candidate.exemplarScore < threshold) {
                    candidate.reason = "not face-like";
                    candidate.detail =
                            String.format(Locale.ROOT, "score %.3f < %.3f", candidate.exemplarScore, threshold);
                }
            }
        }
        deduplicate(faces.stream().filter(Candidate::kept).toList());
        return new Outcome(candidates, threshold, exemplarPixels.size());
    }

    /** Decode, thumbnail and detect on a thread pool (the detector is thread-safe). */
    private List<Candidate> detect(List<Path> pool, FaceDetector detector) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, settings.threads()));
        try {
            List<Future<Candidate>> futures = new ArrayList<>();
            for (Path file : pool) {
                futures.add(workers.submit(() -> inspect(file, detector)));
            }
            List<Candidate> candidates = new ArrayList<>();
            for (Future<Candidate> future : futures) {
                candidates.add(future.get());
            }
            return candidates;
        } finally {
            workers.shutdownNow();
        }
    }

    private Candidate inspect(Path file, FaceDetector detector) {
        Candidate candidate = new Candidate(file);
        BufferedImage image;
        try {
            image = preprocessor.decoder().decode(file);
        } catch (RuntimeException e) {
            candidate.reason = "undecodable";
            candidate.detail = e.getMessage();
            return candidate;
        }
        candidate.thumbnail = thumbnail(image, 96);
        candidate.width = image.getWidth();
        candidate.height = image.getHeight();
        List<FaceBox> faces = detector.detect(image, 1);
        if (faces.isEmpty()) {
            candidate.reason = "no face";
            return candidate;
        }
        candidate.face = faces.get(0);
        candidate.faceFraction = candidate.face.area() / ((double) image.getWidth() * image.getHeight());
        if (candidate.faceFraction < settings.minFaceFraction()) {
            candidate.reason = "face too small";
            candidate.detail = String.format(
                    Locale.ROOT,
                    "face %.0f%% < %.0f%% of the image",
                    100 * candidate.faceFraction,
                    100 * settings.minFaceFraction());
        }
        return candidate;
    }

    /** Greedy in descending score: drop an image whose nearest already-kept image is closer than the threshold. */
    private void deduplicate(List<Candidate> passing) {
        if (passing.isEmpty()) {
            return;
        }
        List<Candidate> ordered = new ArrayList<>(passing);
        ordered.sort(Comparator.comparingDouble((Candidate c) -> -c.exemplarScore));
        List<float[]> vectors = ordered.stream().map(c -> c.embedding).toList();
        try (VectorIndex index = new VectorIndex(vectors)) {
            for (int i = 0; i < ordered.size(); i++) {
                for (VectorIndex.Neighbour neighbour : index.nearest(vectors.get(i), 10)) {
                    Candidate other = ordered.get(neighbour.id());
                    if (neighbour.id() < i && other.kept() && neighbour.cosine() > settings.duplicateCosine()) {
                        ordered.get(i).reason = "duplicate";
                        ordered.get(i).detail = String.format(
                                Locale.ROOT, "cos %.4f to %s", neighbour.cosine(), other.file.getFileName());
                        break;
                    }
                }
            }
        }
    }

    /** The exemplars' own leave-one-out scores; their 5th percentile. */
    private double automaticThreshold(VectorIndex exemplars, List<float[]> embeddings) {
        double[] scores = new double[embeddings.size()];
        for (int i = 0; i < embeddings.size(); i++) {
            scores[i] = meanCosine(exemplars.nearest(embeddings.get(i), settings.neighbours() + 1), i);
        }
        java.util.Arrays.sort(scores);
        return scores[(int) Math.floor(0.05 * (scores.length - 1))];
    }

    private static double meanCosine(List<VectorIndex.Neighbour> neighbours, int excludedId) {
        double sum = 0;
        int count = 0;
        for (VectorIndex.Neighbour neighbour : neighbours) {
            if (neighbour.id() != excludedId) {
                sum += neighbour.cosine();
                count++;
            }
        }
        return count == 0 ? -1 : sum / count;
    }

    private List<float[]> embed(List<float[]> pixels) {
        List<float[]> embeddings = new ArrayList<>();
        if (pixels.isEmpty()) {
            return embeddings;
        }
        CachedFeatures features = FeatureExtractor.extract(backbone, pixels, preprocessor.imageSize(), 64, manager);
        for (int i = 0; i < features.count(); i++) {
            embeddings.add(features.classToken(i));
        }
        return embeddings;
    }

    /**
     * Subtracts the mean embedding of all images and scales each to unit length: ViT class tokens share a large
     * common component, which would otherwise make every pair look similar.
     */
    private static void centre(List<float[]> first, List<float[]> second) {
        int dimension = first.get(0).length;
        double[] mean = new double[dimension];
        int count = 0;
        for (List<float[]> list : List.of(first, second)) {
            for (float[] vector : list) {
                for (int d = 0; d < dimension; d++) {
                    mean[d] += vector[d];
                }
                count++;
            }
        }
        for (List<float[]> list : List.of(first, second)) {
            for (float[] vector : list) {
                double norm = 0;
                for (int d = 0; d < dimension; d++) {
                    vector[d] -= (float) (mean[d] / count);
                    norm += vector[d] * vector[d];
                }
                float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
                for (int d = 0; d < dimension; d++) {
                    vector[d] *= scale;
                }
            }
        }
    }

    static BufferedImage thumbnail(BufferedImage image, int side) {
        double scale = (double) side / Math.max(image.getWidth(), image.getHeight());
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = small.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(image, 0, 0, width, height, null);
        graphics.dispose();
        return small;
    }
}
