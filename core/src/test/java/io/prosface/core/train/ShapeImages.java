package io.prosface.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated images with something to learn: a coloured shape (disc, square, ring, cross, stripes) on a coloured
 * background, seen through multi-crop augmentations (random crops, horizontal flips, brightness and colour
 * jitter), so the views of one image share its shape and colours but not its pixels.
 */
final class ShapeImages {

    private static final int SHAPES = 6;
    private final Random random;
    private final int globalSize;
    private final int localSize;
    private final int canvas;

    /** Global views of {@code globalSize} pixels, local views of half that, from a slightly larger canvas. */
    ShapeImages(long seed, int globalSize) {
        this.random = new Random(seed);
        this.globalSize = globalSize;
        this.localSize = globalSize / 2;
        this.canvas = globalSize + globalSize / 4;
    }

    /**
     * One multi-crop batch: {@code globalViews} arrays (B, 3, S, S) followed by {@code localViews} arrays
     * (B, 3, S/2, S/2), all views of the same B images, normalised to roughly zero mean and unit spread.
     */
    List<NDArray> multiCrop(NDManager manager, int batchSize, int globalViews, int localViews) {
        List<float[][][]> images = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            images.add(render());
        }
        List<NDArray> views = new ArrayList<>();
        for (int v = 0; v < globalViews + localViews; v++) {
            int size = v < globalViews ? globalSize : localSize;
            float[] data = new float[batchSize * 3 * size * size];
            for (int i = 0; i < batchSize; i++) {
                crop(images.get(i), size, data, i * 3 * size * size);
            }
            views.add(manager.create(data, new Shape(batchSize, 3, size, size)));
        }
        return views;
    }

    private float[][][] render() {
        float[] background = color(0.6f);
        float[] foreground = color(1.0f);
        int shape = random.nextInt(SHAPES);
        double centerX = canvas / 2.0 + random.nextGaussian() * canvas / 16.0;
        double centerY = canvas / 2.0 + random.nextGaussian() * canvas / 16.0;
        double radius = canvas * (0.2 + 0.15 * random.nextDouble());
        float[][][] image = new float[3][canvas][canvas];
        for (int y = 0; y < canvas; y++) {
            for (int x = 0; x < canvas; x++) {
                boolean inside = inside(shape, x - centerX, y - centerY, radius);
                float[] color = inside ? foreground : background;
                for (int c = 0; c < 3; c++) {
                    image[c][y][x] = color[c];
                }
            }
        }
        return image;
    }

    private static boolean inside(int shape, double dx, double dy, double radius) {
        double distance = Math.hypot(dx, dy);
        return switch (shape) {
            case 0 -> distance < radius;
            case 1 -> Math.abs(dx) < radius * 0.8 && Math.abs(dy) < radius * 0.8;
            case 2 -> distance < radius && distance > radius * 0.55;
            case 3 ->
                Math.abs(dx) < radius * 0.3 && Math.abs(dy) < radius
                        || Math.abs(dy) < radius * 0.3 && Math.abs(dx) < radius;
            case 4 -> distance < radius * 1.2 && ((int) Math.floor((dy + 100) / 2)) % 2 == 0;
            default -> distance < radius * 1.2 && ((int) Math.floor((dx + 100) / 2)) % 2 == 0;
        };
    }

    private float[] color(float scale) {
        return new float[] {scale * random.nextFloat(), scale * random.nextFloat(), scale * random.nextFloat()};
    }

    /** A random crop with random flip and jitter, normalised with mean 0.5 and std 0.25, written CHW at offset. */
    private void crop(float[][][] image, int size, float[] out, int offset) {
        int left = random.nextInt(canvas - size + 1);
        int top = random.nextInt(canvas - size + 1);
        boolean flip = random.nextBoolean();
        float brightness = 0.8f + 0.4f * random.nextFloat();
        for (int c = 0; c < 3; c++) {
            float shift = 0.1f * (random.nextFloat() - 0.5f);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int sourceX = left + (flip ? size - 1 - x : x);
                    float value = image[c][top + y][sourceX] * brightness + shift;
                    out[offset + (c * size + y) * size + x] = (value - 0.5f) / 0.25f;
                }
            }
        }
    }
}
