package io.prosface.core.synthetic;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;

/** Paints what the camera adds around the face: background, light gradient and occluders. */
final class PhotoPainter {

    /** Background of clean renders: a chroma-key green no face part uses, so tests can tell face from background. */
    static final Color CLEAN_BACKGROUND = Palette.rgb(0, 185, 75);

    private PhotoPainter() {}

    static void paintBackground(Graphics2D graphics, int size, SceneSettings.Photo photo) {
        if (photo.clean()) {
            graphics.setColor(CLEAN_BACKGROUND);
            graphics.fillRect(0, 0, size, size);
            return;
        }
        SyntheticRandom random = new SyntheticRandom(photo.backgroundSeed());
        Color first = Palette.random(random);
        Color second = Palette.random(random);
        graphics.setPaint(new GradientPaint(
                (float) random.uniform(0, size), 0, first, (float) random.uniform(0, size), size, second));
        graphics.fillRect(0, 0, size, size);
        switch (random.nextInt(4)) {
            case 0 -> {
                // a smooth gradient alone
            }
            case 1 -> clutter(graphics, size, random);
            case 2 -> stripes(graphics, size, random);
            default -> blotches(graphics, size, random);
        }
    }

    /** Random rectangles, ellipses and lines: shelves, windows, other people's shoulders. */
    private static void clutter(Graphics2D graphics, int size, SyntheticRandom random) {
        int count = 5 + random.nextInt(10);
        for (int i = 0; i < count; i++) {
            graphics.setColor(Palette.alpha(Palette.random(random), random.uniform(0.4, 1)));
            double x = random.uniform(-0.2, 1) * size;
            double y = random.uniform(-0.2, 1) * size;
            double width = random.uniform(0.05, 0.5) * size;
            double height = random.uniform(0.05, 0.5) * size;
            switch (random.nextInt(3)) {
                case 0 -> graphics.fill(new Rectangle2D.Double(x, y, width, height));
                case 1 -> graphics.fill(new Ellipse2D.Double(x, y, width, height));
                default -> {
                    graphics.setStroke(new BasicStroke((float) random.uniform(0.5, 0.03 * size)));
                    graphics.draw(new java.awt.geom.Line2D.Double(x, y, x + width, y + height));
                }
            }
        }
    }

    /** A woven or striped texture (wallpaper, curtain, tiles). */
    private static void stripes(Graphics2D graphics, int size, SyntheticRandom random) {
        AffineTransform saved = graphics.getTransform();
        graphics.rotate(random.uniform(0, Math.PI), size / 2.0, size / 2.0);
        double period = random.uniform(0.04, 0.18) * size;
        graphics.setColor(Palette.alpha(Palette.random(random), random.uniform(0.3, 0.8)));
        boolean checker = random.chance(0.4);
        for (double x = -size; x < 2 * size; x += period) {
            if (checker) {
                for (double y = -size; y < 2 * size; y += period * 2) {
                    graphics.fill(
                            new Rectangle2D.Double(x, y + (Math.round(x / period) % 2) * period, period / 2, period));
                }
            } else {
                graphics.fill(new Rectangle2D.Double(x, -size, period / 2, 3 * size));
            }
        }
        graphics.setTransform(saved);
    }

    /** Large soft colour patches: an out-of-focus scene, drawn as a tiny random image scaled up smoothly. */
    private static void blotches(Graphics2D graphics, int size, SyntheticRandom random) {
        BufferedImage tiny = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                tiny.setRGB(x, y, Palette.random(random).getRGB());
            }
        }
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(tiny, 0, 0, size, size, null);
    }

    /** One directional light over the whole picture: brighter on one side, darker on the other. */
    static void paintLight(Graphics2D graphics, int size, SceneSettings.Photo photo) {
        if (photo.lightStrength() <= 0) {
            return;
        }
        double dx = Math.cos(photo.lightAngle()) * size / 2;
        double dy = Math.sin(photo.lightAngle()) * size / 2;
        double strength = photo.lightStrength();
        graphics.setPaint(new GradientPaint(
                (float) (size / 2.0 - dx),
                (float) (size / 2.0 - dy),
                Palette.alpha(Color.WHITE, strength * 0.5),
                (float) (size / 2.0 + dx),
                (float) (size / 2.0 + dy),
                Palette.alpha(Color.BLACK, strength)));
        graphics.fillRect(0, 0, size, size);
    }

    /**
     * A hand, a bar or a patterned scarf over part of the face. The occluder's size is at most 60% of the face
     * box's side and its centre stays within the box, so it never hides the whole face.
     */
    static void paintOccluder(Graphics2D graphics, SceneSettings.Photo photo, Rectangle2D faceBox, Color skin) {
        if (photo.occluder() == SceneSettings.Occluder.NONE) {
            return;
        }
        SyntheticRandom random = new SyntheticRandom(photo.occluderSeed());
        double side = Math.max(faceBox.getWidth(), faceBox.getHeight());
        double x = faceBox.getCenterX() + random.uniform(-0.5, 0.5) * faceBox.getWidth();
        double y = faceBox.getCenterY() + random.uniform(-0.3, 0.5) * faceBox.getHeight();
        AffineTransform saved = graphics.getTransform();
        graphics.rotate(random.uniform(-0.8, 0.8), x, y);
        switch (photo.occluder()) {
            case HAND ->
                hand(
                        graphics,
                        x,
                        y,
                        side * random.uniform(0.3, 0.45),
                        Palette.jitter(Palette.mix(skin, Palette.random(random), 0.2), 10, random));
            case BAR -> {
                graphics.setColor(Palette.random(random));
                double length = side * random.uniform(0.6, 1.3);
                double thickness = side * random.uniform(0.08, 0.2);
                graphics.fill(new Rectangle2D.Double(x - length / 2, y - thickness / 2, length, thickness));
            }
            default -> scarf(graphics, x, y, side * random.uniform(0.5, 0.8), side * random.uniform(0.18, 0.3), random);
        }
        graphics.setTransform(saved);
    }

    private static void hand(Graphics2D graphics, double x, double y, double palm, Color skin) {
        graphics.setColor(skin);
        graphics.fill(new Ellipse2D.Double(x - palm / 2, y - palm / 2, palm, palm * 0.95));
        for (int finger = 0; finger < 4; finger++) {
            double fx = x - palm / 2 + palm * (finger + 0.5) / 4;
            double length = palm * (finger == 0 || finger == 3 ? 0.6 : 0.75);
            Shape shape = new RoundRectangle2D.Double(
                    fx - palm * 0.1, y - palm / 2 - length + palm * 0.15, palm * 0.2, length, palm * 0.2, palm * 0.2);
            graphics.fill(shape);
            graphics.setColor(Palette.shade(skin, 0.75));
            graphics.setStroke(new BasicStroke((float) Math.max(0.5, palm * 0.02)));
            graphics.draw(shape);
            graphics.setColor(skin);
        }
        Path2D.Double thumb = new Path2D.Double();
        thumb.moveTo(x + palm * 0.4, y);
        thumb.lineTo(x + palm * 0.85, y - palm * 0.3);
        thumb.lineTo(x + palm * 0.95, y - palm * 0.15);
        thumb.lineTo(x + palm * 0.45, y + palm * 0.3);
        thumb.closePath();
        graphics.fill(thumb);
    }

    private static void scarf(
            Graphics2D graphics, double x, double y, double width, double height, SyntheticRandom random) {
        Shape cloth =
                new RoundRectangle2D.Double(x - width / 2, y - height / 2, width, height, height * 0.4, height * 0.4);
        graphics.setColor(Palette.random(random));
        graphics.fill(cloth);
        Shape clip = graphics.getClip();
        graphics.clip(cloth);
        graphics.setColor(Palette.random(random));
        double period = Math.max(2, height / 3);
        for (double offset = -width; offset < width; offset += period) {
            graphics.fill(new Rectangle2D.Double(x + offset, y - height, period / 2, 2 * height));
        }
        graphics.setClip(clip);
    }
}
