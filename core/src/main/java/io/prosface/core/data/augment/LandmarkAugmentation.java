package io.prosface.core.data.augment;

import io.prosface.core.data.CropTransform;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.Resampler;
import io.prosface.core.data.RgbImage;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.util.SplittableRandom;

/**
 * Geometric augmentation for landmark fine-tuning: the serving crop ({@link CropTransform}, from
 * {@link FacePreprocessor#cropFor}) followed by a random rotation, zoom and shift about the input centre and an
 * optional horizontal flip. Image and points go through the SAME affine map, so the points stay on the pixels they
 * mark; a flip also renames left/right points (iBUG 68 permutation, or the one given).
 *
 * <p>Pixels are sampled bilinearly through the inverse map; when the map shrinks by more than 4/3 the covered part
 * of the source is first shrunk with the antialiased resampler, so small inputs from large photos do not alias.
 * Point counts other than 68 without a permutation are never flipped (a mirror without renaming would teach the
 * model to swap eyes).
 */
public final class LandmarkAugmentation {

    /** One draw of the jitter; {@link #identity()} reproduces the plain serving crop. */
    public record Parameters(double rotationDegrees, double scale, double translateX, double translateY, boolean flip) {

        public static Parameters identity() {
            return new Parameters(0, 1, 0, 0, false);
        }
    }

    private static final double SHRINK_BELOW_SCALE = 0.75;

    private final LandmarkAugmentationConfig config;
    private final float[] mean;
    private final float[] std;
    private final int[] flipPermutation;

    /**
     * @param flipPermutation left/right renaming for flips; null = iBUG 68 for 68 points, no flips otherwise
     */
    public LandmarkAugmentation(LandmarkAugmentationConfig config, Preprocessing preprocessing, int[] flipPermutation) {
        this.config = config;
        this.mean = preprocessing.mean();
        this.std = preprocessing.std();
        this.flipPermutation = flipPermutation == null ? null : flipPermutation.clone();
    }

    public Parameters sample(SplittableRandom random) {
        double rotation = config.maxRotationDegrees() > 0
                ? random.nextDouble(-config.maxRotationDegrees(), config.maxRotationDegrees())
                : 0;
        double scale = config.scaleMax() > config.scaleMin()
                ? random.nextDouble(config.scaleMin(), config.scaleMax())
                : config.scaleMin();
        double shiftX =
                config.maxTranslation() > 0 ? random.nextDouble(-config.maxTranslation(), config.maxTranslation()) : 0;
        double shiftY =
                config.maxTranslation() > 0 ? random.nextDouble(-config.maxTranslation(), config.maxTranslation()) : 0;
        boolean flip = random.nextDouble() < config.flipProbability();
        return new Parameters(rotation, scale, shiftX, shiftY, flip);
    }

    public AugmentedFace apply(RgbImage image, float[] landmarks, CropTransform crop, SplittableRandom random) {
        return apply(image, landmarks, crop, sample(random));
    }

    /**
     * @param landmarks interleaved x,y in image pixels (may be null for an image without points)
     * @param crop the base crop into the model input
     */
    public AugmentedFace apply(RgbImage image, float[] landmarks, CropTransform crop, Parameters parameters) {
        int size = crop.outputSize();
        int[] permutation = permutationFor(landmarks);
        boolean flip = parameters.flip() && (landmarks == null || permutation != null);
        AffineTransform imageToInput = imageToInput(crop, parameters, flip);
        float[] pixels = new float[3 * size * size];
        warp(image, imageToInput, size, pixels);
        FacePreprocessor.normalize(pixels, mean, std);
        float[] moved = null;
        if (landmarks != null) {
            float[] mapped = new float[landmarks.length];
            imageToInput.transform(landmarks, 0, mapped, 0, landmarks.length / 2);
            moved = flip ? rename(mapped, permutation) : mapped;
        }
        return new AugmentedFace(pixels, moved, size);
    }

    /** Image pixels to input pixels: base crop, then zoom/rotate/shift about the centre, then the mirror. */
    static AffineTransform imageToInput(CropTransform crop, Parameters parameters, boolean flip) {
        int size = crop.outputSize();
        double centre = size / 2.0;
        AffineTransform transform = new AffineTransform();
        // AffineTransform concatenation applies the LAST call first: read the calls bottom-up
        if (flip) {
            transform.translate(size, 0);
            transform.scale(-1, 1);
        }
        transform.translate(centre + parameters.translateX() * size, centre + parameters.translateY() * size);
        transform.rotate(Math.toRadians(parameters.rotationDegrees()));
        transform.scale(parameters.scale(), parameters.scale());
        transform.translate(-centre, -centre);
        transform.scale(crop.scale(), crop.scale());
        transform.translate(-crop.left(), -crop.top());
        return transform;
    }

    private static void warp(RgbImage image, AffineTransform imageToInput, int size, float[] target) {
        double scale = Math.sqrt(Math.abs(imageToInput.getDeterminant()));
        AffineTransform sourceToInput = imageToInput;
        RgbImage source = image;
        if (scale < SHRINK_BELOW_SCALE) {
            double[] box = coveredBox(imageToInput, size, image);
            if (box == null) {
                return; // the crop misses the image: all black
            }
            int shrunkWidth = Math.max(1, (int) Math.ceil(box[2] * scale));
            int shrunkHeight = Math.max(1, (int) Math.ceil(box[3] * scale));
            source = Resampler.resizeRegionToRgb(image, box[0], box[1], box[2], box[3], shrunkWidth, shrunkHeight);
            sourceToInput = new AffineTransform(imageToInput);
            sourceToInput.translate(box[0], box[1]);
            sourceToInput.scale(box[2] / shrunkWidth, box[3] / shrunkHeight);
        }
        double[] matrix = new double[6];
        try {
            sourceToInput.createInverse().getMatrix(matrix);
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("degenerate augmentation transform " + sourceToInput, e);
        }
        Resampler.warpAffine(source, matrix, size, size, target);
    }

    /** The part of the image the input square sees, as {left, top, width, height} in whole pixels, or null. */
    private static double[] coveredBox(AffineTransform imageToInput, int size, RgbImage image) {
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        try {
            for (int corner = 0; corner < 4; corner++) {
                Point2D point = imageToInput.inverseTransform(
                        new Point2D.Double((corner & 1) * size, (corner >> 1) * size), null);
                minX = Math.min(minX, point.getX());
                maxX = Math.max(maxX, point.getX());
                minY = Math.min(minY, point.getY());
                maxY = Math.max(maxY, point.getY());
            }
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("degenerate augmentation transform " + imageToInput, e);
        }
        double left = Math.max(0, Math.floor(minX) - 2);
        double top = Math.max(0, Math.floor(minY) - 2);
        double right = Math.min(image.width(), Math.ceil(maxX) + 2);
        double bottom = Math.min(image.height(), Math.ceil(maxY) + 2);
        return right > left && bottom > top ? new double[] {left, top, right - left, bottom - top} : null;
    }

    private int[] permutationFor(float[] landmarks) {
        if (flipPermutation != null) {
            return flipPermutation;
        }
        return landmarks != null && landmarks.length == 2 * IbugLandmarks.POINT_COUNT
                ? IbugLandmarks.flipPermutation()
                : null;
    }

    private static float[] rename(float[] points, int[] permutation) {
        if (permutation.length * 2 != points.length) {
            throw new IllegalArgumentException(
                    "flip permutation for " + permutation.length + " points, got " + points.length / 2);
        }
        float[] renamed = new float[points.length];
        for (int i = 0; i < permutation.length; i++) {
            renamed[2 * i] = points[2 * permutation[i]];
            renamed[2 * i + 1] = points[2 * permutation[i] + 1];
        }
        return renamed;
    }
}
