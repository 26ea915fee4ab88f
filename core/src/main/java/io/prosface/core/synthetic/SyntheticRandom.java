package io.prosface.core.synthetic;

import java.util.SplittableRandom;

/**
 * The generator's only source of randomness: an explicitly seeded {@link SplittableRandom} with the few draws the
 * face model needs. Every stream is derived from a caller's seed with {@link #derive}, so no draw depends on global
 * state or on the order other streams were consumed in.
 */
final class SyntheticRandom {

    private final SplittableRandom random;

    SyntheticRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A seed for a named sub-stream: SplitMix64's finaliser over the seed and the stream's tag. */
    static long derive(long seed, long tag) {
        long z = seed + 0x9E3779B97F4A7C15L * (tag + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double uniform(double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    long nextLong() {
        return random.nextLong();
    }

    <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    /** Index drawn with the given (not necessarily normalised) weights. */
    int weighted(double... weights) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        double draw = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
