package io.prosface.server.finetune.jobs;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.DecodedImage;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.RgbImage;
import io.prosface.core.data.augment.AugmentedFace;
import io.prosface.core.data.augment.LandmarkAugmentation;
import io.prosface.core.data.augment.LandmarkAugmentationConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.server.finetune.upload.Example;
import io.prosface.server.inference.analysis.ImageDecoding;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Model inputs for a job: every example decoded as serving decodes it ({@link ExampleDecoder}: EXIF orientation
 * applied, a large image subsampled to the decode-memory plan), cropped the way serving crops it (around the largest
 * detected face with the checkpoint's margin, or the whole image), as a plain view, plus for training examples a few
 * views jittered by core's {@link LandmarkAugmentation} (rotation, zoom, shift, flip; landmark points move with the
 * pixels and are renamed on flips). Landmark targets, given in pixels of the full-size upright image (what a photo
 * viewer shows, and what predictions answer in), become [0, 1] coordinates of the model input, as the landmark head
 * predicts.
 */
final class TrainingViews {

    /** Inputs and targets of one split. */
    record Views(List<float[]> pixels, List<float[]> targets) {}

    /** Encoded bytes to the upright image serving would see, holding its decode memory until closed. */
    @FunctionalInterface
    interface ExampleDecoder {
        ImageDecoding.Decoded decode(byte[] image);
    }

    private final FacePreprocessor preprocessor;
    private final ExampleDecoder decoder;
    private final Function<BufferedImage, FaceBox> faceLocator;
    private final LandmarkAugmentation augmentation;

    /**
     * @param faceLocator largest face of an image, or null when there is none; null: always the whole image
     */
    TrainingViews(FacePreprocessor preprocessor, ExampleDecoder decoder, Function<BufferedImage, FaceBox> faceLocator) {
        this.preprocessor = preprocessor;
        this.decoder = decoder;
        this.faceLocator = faceLocator;
        // milder than the 300-W recipe: few-shot heads see each face a handful of times
        this.augmentation = new LandmarkAugmentation(
                new LandmarkAugmentationConfig(10, 0.95, 1.05, 0.04, 0.5), preprocessor.preprocessing(), null);
    }

    /**
     * @param beforeEach runs before each example (a job checkpoint: cancellation, yielding to inference)
     */
    Views build(
            List<Example> examples,
            List<Integer> indices,
            HeadKind kind,
            int augmentedViews,
            long seed,
            Runnable beforeEach) {
        List<float[]> pixels = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        boolean landmarks = kind == HeadKind.LANDMARKS;
        for (int index : indices) {
            beforeEach.run();
            Example example = examples.get(index);
            try (ImageDecoding.Decoded decoded = decoder.decode(example.image())) {
                DecodedImage upright = decoded.image();
                BufferedImage image = upright.pixels();
                RgbImage rgb = RgbImage.of(image);
                FaceBox face = faceLocator == null ? null : faceLocator.apply(image);
                CropTransform crop = preprocessor.cropFor(rgb.width(), rgb.height(), face);
                // landmark labels are in full-size upright pixels; the crop is in the decoded (maybe subsampled) ones
                float[] points = landmarks ? upright.toDecoded(example.target()) : null;
                pixels.add(preprocessor.toChw(rgb, crop));
                targets.add(landmarks ? crop.imageToNormalized(points) : example.target());
                for (int view = 0; view < augmentedViews; view++) {
                    AugmentedFace augmented = augmentation.apply(rgb, points, crop, random);
                    pixels.add(augmented.pixels());
                    targets.add(landmarks ? augmented.normalizedLandmarks() : example.target());
                }
            }
        }
        return new Views(pixels, targets);
    }
}
