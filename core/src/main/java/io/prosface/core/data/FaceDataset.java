package io.prosface.core.data;

/**
 * Random-access face images with labels. Implementations hold file paths and parsed labels and decode an image
 * only in {@link #get}; a broken image throws {@link InvalidImageException} (or UncheckedIOException for an
 * unreadable file) naming the file, which a loader counts and skips instead of failing the epoch.
 */
public interface FaceDataset {

    int size();

    /** Decodes sample {@code index} (0 <= index < size()). */
    FaceSample get(int index);

    /** One line for logs and checkpoint metadata: source, size, label kinds, anything dropped. */
    String describe();

    /** The labels of sample {@code index} without decoding its image (for statistics, splits, balancing). */
    default FaceLabels labels(int index) {
        return get(index).labels();
    }

    /** How many {@link #get} calls failed on an undecodable or unreadable image so far. */
    default long badImageCount() {
        return 0;
    }
}
