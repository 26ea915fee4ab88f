package io.prosface.core.synthetic;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Camera and transmission defects on a {@code TYPE_INT_RGB} image: blur, sensor noise and JPEG artefacts. */
final class ImageDegradation {

    private ImageDegradation() {}

    /** Separable Gaussian blur with clamped edges, in place. */
    static void blur(BufferedImage image, double sigma) {
        if (sigma <= 0) {
            return;
        }
        int radius = Math.max(1, (int) Math.ceil(2.5 * sigma));
        float[] kernel = new float[2 * radius + 1];
        float total = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = (float) Math.exp(-i * i / (2 * sigma * sigma));
            total += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= total;
        }
        int width = image.getWidth();
        int height = image.getHeight();
        int[] pixels = pixels(image);
        int[] buffer = new int[pixels.length];
        pass(pixels, buffer, width, height, kernel, radius, true);
        pass(buffer, pixels, width, height, kernel, radius, false);
    }

    private static void pass(
            int[] in, int[] out, int width, int height, float[] kernel, int radius, boolean horizontal) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float red = 0;
                float green = 0;
                float blue = 0;
                for (int k = -radius; k <= radius; k++) {
                    int sx = horizontal ? Math.max(0, Math.min(width - 1, x + k)) : x;
                    int sy = horizontal ? y : Math.max(0, Math.min(height - 1, y + k));
                    int rgb = in[sy * width + sx];
                    float weight = kernel[k + radius];
                    red += weight * ((rgb >> 16) & 0xFF);
                    green += weight * ((rgb >> 8) & 0xFF);
                    blue += weight * (rgb & 0xFF);
                }
                out[y * width + x] = (Math.round(red) << 16) | (Math.round(green) << 8) | Math.round(blue);
            }
        }
    }

    /** Adds zero-mean noise (approximately Gaussian: a sum of three uniforms) of the given sigma, in place. */
    static void noise(BufferedImage image, double sigma, long seed) {
        if (sigma <= 0) {
            return;
        }
        SyntheticRandom random = new SyntheticRandom(seed);
        int[] pixels = pixels(image);
        // the sum of three uniforms on [-a, a] has variance a^2, so a = sigma
        double scale = sigma;
        for (int i = 0; i < pixels.length; i++) {
            int rgb = pixels[i];
            int luminance = (int)
                    Math.round(scale * (random.uniform(-1, 1) + random.uniform(-1, 1) + random.uniform(-1, 1)) * 0.7);
            int red = Palette.clamp(((rgb >> 16) & 0xFF) + luminance + (int) random.uniform(-sigma, sigma) / 2);
            int green = Palette.clamp(((rgb >> 8) & 0xFF) + luminance + (int) random.uniform(-sigma, sigma) / 2);
            int blue = Palette.clamp((rgb & 0xFF) + luminance + (int) random.uniform(-sigma, sigma) / 2);
            pixels[i] = (red << 16) | (green << 8) | blue;
        }
    }

    /** One JPEG encode and decode at the given quality (0..1); returns a new {@code TYPE_INT_RGB} image. */
    static BufferedImage jpeg(BufferedImage image, double quality) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(output);
                ImageWriteParam parameters = writer.getDefaultWriteParam();
                parameters.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                parameters.setCompressionQuality((float) quality);
                writer.write(null, new IIOImage(image, null, null), parameters);
            } finally {
                writer.dispose();
            }
            BufferedImage decoded;
            // an explicit in-memory stream: ImageIO.read(InputStream) may cache through temporary files
            ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
            try (MemoryCacheImageInputStream input =
                    new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                reader.setInput(input);
                decoded = reader.read(0);
            } finally {
                reader.dispose();
            }
            BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = out.createGraphics();
            graphics.drawImage(decoded, 0, 0, null);
            graphics.dispose();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JPEG round trip failed", e);
        }
    }

    static int[] pixels(BufferedImage image) {
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }
}
