package io.prosface.training.curate;

import io.prosface.detect.FaceBox;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * One pool image as curation sees it. Mutable while curation decides; {@code reason} stays null for kept images.
 *
 * @param file the image in the pool
 */
public final class Candidate {
    final Path file;
    BufferedImage thumbnail;
    int width;
    int height;
    FaceBox face;
    double faceFraction;
    float[] embedding;
    double exemplarScore = Double.NaN;
    String reason;
    String detail = "";

    Candidate(Path file) {
        this.file = file;
    }

    /** True when curation keeps the image. */
    public boolean kept() {
        return reason == null;
    }

    public Path file() {
        return file;
    }

    /** Why it was dropped (null when kept). */
    public String reason() {
        return reason;
    }
}
