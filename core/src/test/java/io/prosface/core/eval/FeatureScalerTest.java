package io.prosface.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Per-channel standardisation of cached features (linear probes, few-shot jobs). */
class FeatureScalerTest {

    @Test
    void standardisesEachChannelByTheReferenceStatistics() {
        int count = 50;
        int dim = 3;
        int patches = 4;
        Random random = new Random(3);
        float[] classTokens = new float[count * dim];
        float[] patchTokens = new float[count * patches * dim];
        // channel c: mean 10 * c, scale 0.1 .. 10 (a dimension that barely varies next to a loud one)
        double[] scales = {0.1, 1, 10};
        for (int i = 0; i < classTokens.length; i++) {
            classTokens[i] = (float) (10 * (i % dim) + scales[i % dim] * random.nextGaussian());
        }
        for (int i = 0; i < patchTokens.length; i++) {
            patchTokens[i] = (float) (-5 * (i % dim) + scales[i % dim] * random.nextGaussian());
        }
        CachedFeatures reference = new CachedFeatures(count, dim, patches, classTokens, patchTokens);
        FeatureScaler scaler = FeatureScaler.fit(reference);
        CachedFeatures standardised = scaler.apply(reference);
        for (int c = 0; c < dim; c++) {
            assertEquals(0, mean(standardised.classTokens(), c, dim), 1e-4, "class channel " + c + " mean");
            assertEquals(1, std(standardised.classTokens(), c, dim), 1e-3, "class channel " + c + " std");
            assertEquals(0, mean(standardised.patchTokens(), c, dim), 1e-4, "patch channel " + c + " mean");
            assertEquals(1, std(standardised.patchTokens(), c, dim), 1e-3, "patch channel " + c + " std");
        }
        // other features (a test split) use the reference's statistics, not their own
        float[] shiftedClass = classTokens.clone();
        for (int i = 0; i < shiftedClass.length; i++) {
            shiftedClass[i] += (float) scales[i % dim];
        }
        CachedFeatures shifted = scaler.apply(new CachedFeatures(count, dim, patches, shiftedClass, patchTokens));
        for (int c = 0; c < dim; c++) {
            assertEquals(
                    scales[c] / std(classTokens, c, dim),
                    mean(shifted.classTokens(), c, dim),
                    1e-3,
                    "a shift by the nominal scale, in reference standard deviations, channel " + c);
        }
    }

    private static double mean(float[] values, int channel, int dim) {
        double sum = 0;
        for (int i = channel; i < values.length; i += dim) {
            sum += values[i];
        }
        return sum / (values.length / dim);
    }

    private static double std(float[] values, int channel, int dim) {
        double mean = mean(values, channel, dim);
        double sum = 0;
        for (int i = channel; i < values.length; i += dim) {
            sum += (values[i] - mean) * (values[i] - mean);
        }
        return Math.sqrt(sum / (values.length / dim));
    }
}
