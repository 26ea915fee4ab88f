package io.prosface.server.render;

import io.prosface.server.error.ServingException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** The encodings a rendered answer can be sent in. */
public enum PictureFormat {
    /** Lossless; the default. */
    PNG("image/png"),
    /** Smaller for photos; encoded at quality 0.9 so thin lines and small text stay legible. */
    JPEG("image/jpeg");

    private static final float JPEG_QUALITY = 0.9f;

    private final String mediaType;

    PictureFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** Lower-case name as in the {@code format} query parameter. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code png} or {@code jpeg} ({@code jpg} too), case-insensitive; anything else is INVALID_ARGUMENT. */
    public static PictureFormat fromLabel(String label) {
        String name = label.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "png" -> PNG;
            case "jpeg", "jpg" -> JPEG;
            default -> throw ServingException.invalidArgument("format must be png or jpeg, got '" + label + "'");
        };
    }

    /** The image encoded; for JPEG an image with alpha is flattened to RGB first (JPEG has no alpha channel). */
    public byte[] encode(BufferedImage picture) {
        BufferedImage image = this == JPEG && picture.getColorModel().hasAlpha() ? opaque(picture) : picture;
        ImageWriter writer = ImageIO.getImageWritersByFormatName(label()).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight() / 2);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam settings = writer.getDefaultWriteParam();
            if (this == JPEG) {
                settings.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                settings.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, null), settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the rendered image as " + label(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static BufferedImage opaque(BufferedImage image) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = rgb.createGraphics();
        graphics.drawImage(image, 0, 0, java.awt.Color.WHITE, null);
        graphics.dispose();
        return rgb;
    }
}
