package io.prosface.core.data.augment;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.Resampler;
import io.prosface.core.data.RgbImage;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * DINO-style multi-crop augmentation for self-distillation pretraining: 2 global views and N local views of one
 * image, each a random resized crop followed by flip, colour jitter, grayscale, Gaussian blur and (second global
 * view only) solarisation, then normalised with the checkpoint's mean/std.
 *
 * <p>Deterministic: the same image and the same {@link SplittableRandom} state give the same views. Works on packed
 * int and planar float arrays (no per-pixel getRGB/setRGB); thread-safe, so a loader may call it from many threads
 * with one random per sample.
 */
public final class MultiCropAugmentation {

    /** The reference view size of DINO's blur σ range. */
    private static final double DINO_GLOBAL_SIZE = 224;

    private static final float SOLARIZE_THRESHOLD = 0.5f;

    private final MultiCropConfig config;
    private final float[] mean;
    private final float[] std;
    private final double blurSigmaScale;

    public MultiCropAugmentation(MultiCropConfig config, Preprocessing preprocessing) {
        this.config = config;
        this.mean = preprocessing.mean();
        this.std = preprocessing.std();
        this.blurSigmaScale = config.globalSize() / DINO_GLOBAL_SIZE;
    }

    public MultiCropConfig config() {
        return config;
    }

    public MultiCropViews apply(BufferedImage image, SplittableRandom random) {
        return apply(RgbImage.of(image), random);
    }

    public MultiCropViews apply(RgbImage image, SplittableRandom random) {
        List<float[]> globals = List.of(
                view(image, config.globalSize(), true, config.firstGlobalBlurProbability(), 0, random),
                view(
                        image,
                        config.globalSize(),
                        true,
                        config.secondGlobalBlurProbability(),
                        config.solarizationProbability(),
                        random));
        List<float[]> locals = new ArrayList<>(config.localCropCount());
        for (int i = 0; i < config.localCropCount(); i++) {
            locals.add(view(image, config.localSize(), false, config.localBlurProbability(), 0, random));
        }
        return new MultiCropViews(globals, locals, config.globalSize(), config.localSize());
    }

    /**
     * Stacks the views of a batch per view position: NDList(global0 (B,3,G,G), global1 (B,3,G,G),
     * local0 (B,3,L,L), ..., local(N-1)), all owned by {@code manager}.
     */
    public static NDList stack(NDManager manager, List<MultiCropViews> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        MultiCropViews first = batch.get(0);
        NDList views = new NDList();
        for (int v = 0; v < first.globalViews().size(); v++) {
            int index = v;
            views.add(FacePreprocessor.stack(
                    manager,
                    batch.stream().map(item -> item.globalViews().get(index)).toList(),
                    first.globalSize()));
        }
        for (int v = 0; v < first.localViews().size(); v++) {
            int index = v;
            views.add(FacePreprocessor.stack(
                    manager,
                    batch.stream().map(item -> item.localViews().get(index)).toList(),
                    first.localSize()));
        }
        return views;
    }

    private float[] view(
            RgbImage image,
            int size,
            boolean global,
            double blurProbability,
            double solarizationProbability,
            SplittableRandom random) {
        RandomResizedCrop crop = RandomResizedCrop.sample(
                image.width(),
                image.height(),
                global ? config.globalScaleMin() : config.localScaleMin(),
                global ? config.globalScaleMax() : config.localScaleMax(),
                config.aspectRatioMin(),
                config.aspectRatioMax(),
                random);
        float[] chw = new float[3 * size * size];
        Resampler.resizeRegion(image, crop.left(), crop.top(), crop.width(), crop.height(), size, size, chw, 0);
        if (random.nextDouble() < config.flipProbability()) {
            PixelOperations.flipHorizontally(chw, size, size);
        }
        if (random.nextDouble() < config.colorJitterProbability()) {
            colorJitter(chw, random);
        }
        if (random.nextDouble() < config.grayscaleProbability()) {
            PixelOperations.grayscale(chw);
        }
        if (random.nextDouble() < blurProbability) {
            double sigma =
                    random.nextDouble(config.blurSigmaMin(), Math.nextUp(config.blurSigmaMax())) * blurSigmaScale;
            PixelOperations.gaussianBlur(chw, size, size, sigma);
        }
        if (random.nextDouble() < solarizationProbability) {
            PixelOperations.solarize(chw, SOLARIZE_THRESHOLD);
        }
        FacePreprocessor.normalize(chw, mean, std);
        return chw;
    }

    /** Brightness, contrast, saturation and hue with random factors, in a random order (as torchvision). */
    private void colorJitter(float[] chw, SplittableRandom random) {
        int[] order = {0, 1, 2, 3};
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        for (int operation : order) {
            switch (operation) {
                case 0 -> PixelOperations.adjustBrightness(chw, factor(config.brightness(), random));
                case 1 -> PixelOperations.adjustContrast(chw, factor(config.contrast(), random));
                case 2 -> PixelOperations.adjustSaturation(chw, factor(config.saturation(), random));
                default -> {
                    if (config.hue() > 0) {
                        PixelOperations.adjustHue(chw, (float) random.nextDouble(-config.hue(), config.hue()));
                    }
                }
            }
        }
    }

    private static float factor(double strength, SplittableRandom random) {
        return strength > 0 ? (float) random.nextDouble(Math.max(0, 1 - strength), 1 + strength) : 1f;
    }
}
