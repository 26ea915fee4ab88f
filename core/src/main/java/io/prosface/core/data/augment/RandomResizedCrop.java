package io.prosface.core.data.augment;

import java.util.SplittableRandom;

/**
 * Chooses the source rectangle of a random resized crop (Inception-style, as torchvision's RandomResizedCrop):
 * an area fraction and a log-uniform aspect ratio, retried up to 10 times, else a centred crop with the ratio
 * clamped. Continuous coordinates, so the crop is not snapped to whole pixels.
 */
record RandomResizedCrop(double left, double top, double width, double height) {

    private static final int ATTEMPTS = 10;

    static RandomResizedCrop sample(
            int imageWidth,
            int imageHeight,
            double scaleMin,
            double scaleMax,
            double ratioMin,
            double ratioMax,
            SplittableRandom random) {
        double area = (double) imageWidth * imageHeight;
        double logRatioMin = Math.log(ratioMin);
        double logRatioMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(random, scaleMin, scaleMax);
            double ratio = Math.exp(uniform(random, logRatioMin, logRatioMax));
            double width = Math.sqrt(targetArea * ratio);
            double height = Math.sqrt(targetArea / ratio);
            if (width <= imageWidth && height <= imageHeight) {
                double left = uniform(random, 0, imageWidth - width);
                double top = uniform(random, 0, imageHeight - height);
                return new RandomResizedCrop(left, top, width, height);
            }
        }
        double imageRatio = (double) imageWidth / imageHeight;
        double width = imageWidth;
        double height = imageHeight;
        if (imageRatio < ratioMin) {
            height = width / ratioMin;
        } else if (imageRatio > ratioMax) {
            width = height * ratioMax;
        }
        return new RandomResizedCrop((imageWidth - width) / 2, (imageHeight - height) / 2, width, height);
    }

    private static double uniform(SplittableRandom random, double min, double max) {
        return max > min ? random.nextDouble(min, max) : min;
    }
}
