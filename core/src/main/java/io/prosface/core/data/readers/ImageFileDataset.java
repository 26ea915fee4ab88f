package io.prosface.core.data.readers;

import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.InvalidImageException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A {@link FaceDataset} over image files whose labels were parsed up front; the readers
 * ({@link CelebaReader}, {@link IbugReader}, {@link ExpressionCsvReader}, {@link UtkFaceReader},
 * {@link ImageFolderReader}) build it. Thread-safe: {@link #get} may run on many loader threads.
 */
public final class ImageFileDataset implements FaceDataset {

    private final String description;
    private final Path root;
    private final List<Path> images;
    private final IntFunction<FaceLabels> labels;
    private final ImageDecoder decoder;
    private final Map<String, Integer> dropped;
    private final AtomicLong badImages = new AtomicLong();

    /**
     * @param root folder the sample ids are relative to
     * @param labels labels of sample i, computed on demand (CelebA keeps its attributes as bits, not maps)
     * @param dropped rows or files left out while reading, counted by reason (e.g. "contempt" -> 9)
     */
    ImageFileDataset(
            String description,
            Path root,
            List<Path> images,
            IntFunction<FaceLabels> labels,
            ImageDecoder decoder,
            Map<String, Integer> dropped) {
        this.description = description;
        this.root = root;
        this.images = List.copyOf(images);
        this.labels = labels;
        this.decoder = decoder;
        this.dropped = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dropped));
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public FaceSample get(int index) {
        Path file = images.get(index);
        try {
            return new FaceSample(id(index), decoder.decode(file), labels(index));
        } catch (InvalidImageException | UncheckedIOException e) {
            badImages.incrementAndGet();
            throw e;
        }
    }

    @Override
    public FaceLabels labels(int index) {
        return labels.apply(index);
    }

    /** The sample's path relative to the data set root, with '/' separators. */
    public String id(int index) {
        return root.relativize(images.get(index)).toString().replace('\\', '/');
    }

    public Path imagePath(int index) {
        return images.get(index);
    }

    /** Rows or files left out while reading, by reason. */
    public Map<String, Integer> droppedCounts() {
        return dropped;
    }

    @Override
    public long badImageCount() {
        return badImages.get();
    }

    @Override
    public String describe() {
        String text = description + ": " + size() + " images";
        return dropped.isEmpty() ? text : text + ", dropped " + dropped;
    }

    public static FaceLabels unlabeled() {
        return new FaceLabels(null, null, null, null, null, null);
    }
}
