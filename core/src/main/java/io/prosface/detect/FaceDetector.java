package io.prosface.detect;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Finds frontal faces with OpenCV's Haar cascade ({@code haarcascade_frontalface_default.xml}, see the README next
 * to it) and returns them largest first.
 *
 * <p>Search: luminance → downscale to at most {@link FaceDetectorSettings#maxDetectionSide()} → histogram
 * equalisation → pad every side with repeated edge pixels (tight face crops need context around the face) →
 * multi-scale sliding-window cascade → map windows back to image pixels, clip, merge nested duplicates.
 *
 * <p>Thread safety: this class is safe for concurrent use. An OpenCV {@link CascadeClassifier} keeps scratch buffers
 * and must not be used by two threads at once, so each call borrows one from a pool and returns it afterwards; the
 * pool grows to the peak number of concurrent callers (each classifier holds a few MB of native memory).
 *
 * <p>Cascade file: OpenCV's Java API loads a cascade only from a path, so the classpath resource is copied out once,
 * content-addressed, into the private folder that also holds the reused native library ({@link OpenCvExtraction}),
 * and every start and every detector reuse it: a kill -9 leaves nothing new behind. Only where that folder is not
 * usable does a detector write a temporary copy of its own, deleted by {@link #close()} (or at a normal JVM exit).
 *
 * <p>Lifecycle: {@link #close()} empties the pool (and deletes a temporary cascade copy of its own); the
 * classifiers' native memory is freed when they are garbage collected (OpenCV's Java API has no explicit release).
 */
public final class FaceDetector implements AutoCloseable {

    static final String CASCADE_RESOURCE = "haarcascade_frontalface_default.xml";

    private final FaceDetectorSettings settings;
    private final Path cascadeFile;
    /** True when {@link #cascadeFile} is this detector's own temporary copy (the shared copy was not usable). */
    private final boolean ownCascadeCopy;

    private final ConcurrentLinkedDeque<CascadeClassifier> idleClassifiers = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    public FaceDetector() {
        this(FaceDetectorSettings.defaults());
    }

    /** Loads OpenCV (once per JVM) and the cascade; fails fast if either is unusable. */
    public FaceDetector(FaceDetectorSettings settings) {
        this.settings = settings;
        OpenCvLibrary.ensureLoaded();
        byte[] cascade = cascadeBytes();
        Optional<Path> shared =
                OpenCvExtraction.reusedCopy(Path.of(System.getProperty("java.io.tmpdir")), CASCADE_RESOURCE, cascade);
        this.ownCascadeCopy = shared.isEmpty();
        this.cascadeFile = shared.orElseGet(() -> temporaryCopy(cascade));
        idleClassifiers.push(newClassifier());
    }

    public FaceDetectorSettings settings() {
        return settings;
    }

    /** The native OpenCV version in use, e.g. "4.9.0" (for logs and health output). */
    public static String openCvVersion() {
        return OpenCvLibrary.version();
    }

    /** Faces in {@code image}, largest first, at most {@link FaceDetectorSettings#maxFaces()}; empty if none. */
    public List<FaceBox> detect(BufferedImage image) {
        return detect(image, settings.maxFaces());
    }

    /** As {@link #detect(BufferedImage)} with a per-call face limit ({@code maxFaces} &gt; 0). */
    public List<FaceBox> detect(BufferedImage image, int maxFaces) {
        if (maxFaces <= 0) {
            throw new IllegalArgumentException("maxFaces must be > 0, got " + maxFaces);
        }
        if (closed) {
            throw new IllegalStateException("face detector is closed");
        }
        CascadeClassifier classifier = idleClassifiers.poll();
        if (classifier == null) {
            classifier = newClassifier();
        }
        try {
            return FaceBoxes.largestFirst(search(classifier, image), maxFaces);
        } finally {
            if (!closed) {
                idleClassifiers.push(classifier);
            }
        }
    }

    /**
     * Fraction of the image's area covered by its largest face box, in [0, 1]; 0 when no face is found. Curation
     * keeps images where a face is present and large enough.
     */
    public double faceAreaFraction(BufferedImage image) {
        List<FaceBox> faces = detect(image, 1);
        if (faces.isEmpty()) {
            return 0.0;
        }
        return faces.get(0).area() / ((double) image.getWidth() * image.getHeight());
    }

    @Override
    public void close() {
        closed = true;
        idleClassifiers.clear();
        if (!ownCascadeCopy) {
            return; // the shared copy stays for the next detector and the next start
        }
        try {
            Files.deleteIfExists(cascadeFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary cascade file " + cascadeFile, e);
        }
    }

    /** Raw candidate boxes in image pixels, unordered. */
    private List<FaceBox> search(CascadeClassifier classifier, BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        double scale = Math.min(1.0, settings.maxDetectionSide() / (double) Math.max(width, height));
        Mat gray = GrayscaleConversion.toGray(image);
        Mat padded = new Mat();
        MatOfRect windows = new MatOfRect();
        MatOfInt neighbours = new MatOfInt();
        try {
            if (scale < 1.0) {
                // INTER_AREA averages the source pixels under each target pixel: no aliasing when shrinking
                Imgproc.resize(
                        gray,
                        gray,
                        new Size(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))),
                        0,
                        0,
                        Imgproc.INTER_AREA);
            }
            Imgproc.equalizeHist(gray, gray);
            int border = (int) Math.round(settings.borderFraction() * Math.max(gray.cols(), gray.rows()));
            Core.copyMakeBorder(gray, padded, border, border, border, border, Core.BORDER_REPLICATE);
            Size window = classifier.getOriginalWindowSize();
            double minSide =
                    Math.max(window.width, Math.round(settings.minFaceFraction() * Math.min(gray.cols(), gray.rows())));
            classifier.detectMultiScale2(
                    padded,
                    windows,
                    neighbours,
                    settings.scaleFactor(),
                    settings.minNeighbors(),
                    0,
                    new Size(minSide, minSide),
                    new Size());
            if (windows.empty()) {
                return List.of(); // checked first: OpenCV leaves an empty neighbours matrix that toArray rejects
            }
            Rect[] found = windows.toArray();
            int[] counts = neighbours.toArray();
            List<FaceBox> boxes = new ArrayList<>(found.length);
            for (int i = 0; i < found.length; i++) {
                FaceBox box = FaceBoxes.fromSearchWindow(
                        found[i].x,
                        found[i].y,
                        found[i].width,
                        found[i].height,
                        counts[i],
                        border,
                        scale,
                        width,
                        height);
                if (box != null) {
                    boxes.add(box);
                }
            }
            return boxes;
        } finally {
            gray.release();
            padded.release();
            windows.release();
            neighbours.release();
        }
    }

    private CascadeClassifier newClassifier() {
        CascadeClassifier classifier = new CascadeClassifier();
        if (!classifier.load(cascadeFile.toString()) || classifier.empty()) {
            throw new IllegalStateException("OpenCV could not load the face cascade from " + cascadeFile);
        }
        return classifier;
    }

    private static byte[] cascadeBytes() {
        try (InputStream cascade = FaceDetector.class.getResourceAsStream(CASCADE_RESOURCE)) {
            if (cascade == null) {
                throw new IllegalStateException("resource io/prosface/detect/" + CASCADE_RESOURCE + " is missing");
            }
            return cascade.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the face cascade resource", e);
        }
    }

    /** The fallback: a temporary file of this detector's own (no private folder for the shared copy here). */
    private static Path temporaryCopy(byte[] cascade) {
        try {
            Path file = Files.createTempFile("pros-face-cascade-", ".xml");
            file.toFile().deleteOnExit();
            Files.write(file, cascade);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the face cascade to a temporary file", e);
        }
    }
}
