package io.prosface.server.finetune;

import io.prosface.core.data.AugmentedFace;
import io.prosface.core.data.CropTransform;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.LandmarkAugmentation;
import io.prosface.core.data.LandmarkAugmentationConfig;
import io.prosface.core.data.RgbImage;
import io.prosface.core.model.HeadKind;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Model inputs for a job: every example cropped the way serving crops it (around the largest detected face with the
 * checkpoint's margin, or the whole image), as a plain view, plus for training examples a few views jittered by
 * core's {@link LandmarkAugmentation} (rotation, zoom, shift, flip; landmark points move with the pixels and are
 * renamed on flips). Landmark targets become [0, 1] coordinates of the model input, as the landmark head predicts.
 */
final class TrainingViews {

    /** Inputs and targets of one split. */
    record Views(List<float[]> pixels, List<float[]> targets) {
    }

    private final FacePreprocessor preprocessor;
    private final Function<BufferedImage, FaceBox> faceLocator;
    private final LandmarkAugmentation augmentation;

    /**
     * @param faceLocator largest face of an image, or null when there is none; null: always the whole image
     */
    TrainingViews(FacePreprocessor preprocessor, Function<BufferedImage, FaceBox> faceLocator) {
        this.preprocessor = preprocessor;
        this.faceLocator = faceLocator;
        // milder than the 300-W recipe: few-shot heads see each face a handful of times
        this.augmentation = new LandmarkAugmentation(new LandmarkAugmentationConfig(10, 0.95, 1.05, 0.04, 0.5),
                preprocessor.preprocessing(), null);
    }

    /**
     * @param beforeEach runs before each example (a job checkpoint: cancellation, yielding to inference)
     */
    Views build(List<Example> examples, List<Integer> indices, HeadKind kind, int augmentedViews, long seed,
            Runnable beforeEach) {
        List<float[]> pixels = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        ImageDecoder decoder = preprocessor.decoder();
        for (int index : indices) {
            beforeEach.run();
            Example example = examples.get(index);
            BufferedImage image = decoder.decode(example.image());
            RgbImage rgb = RgbImage.of(image);
            FaceBox face = faceLocator == null ? null : faceLocator.apply(image);
            CropTransform crop = preprocessor.cropFor(rgb.width(), rgb.height(), face);
            boolean landmarks = kind == HeadKind.LANDMARKS;
            pixels.add(preprocessor.toChw(rgb, crop));
            targets.add(landmarks ? crop.imageToNormalized(example.target()) : example.target());
            for (int view = 0; view < augmentedViews; view++) {
                AugmentedFace augmented = augmentation.apply(rgb, landmarks ? example.target() : null, crop, random);
                pixels.add(augmented.pixels());
                targets.add(landmarks ? augmented.normalizedLandmarks() : example.target());
            }
        }
        return new Views(pixels, targets);
    }
}
