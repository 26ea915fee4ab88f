package io.prosface.core.synthetic;

import java.awt.Color;

/** Colour arithmetic for the synthetic faces (opaque sRGB in, sRGB out; no colour management). */
final class Palette {

    private Palette() {}

    static Color rgb(int red, int green, int blue) {
        return new Color(clamp(red), clamp(green), clamp(blue));
    }

    /** Linear mix: {@code t = 0} gives {@code from}, {@code t = 1} gives {@code to}. */
    static Color mix(Color from, Color to, double t) {
        return new Color(
                clamp((int) Math.round(from.getRed() + (to.getRed() - from.getRed()) * t)),
                clamp((int) Math.round(from.getGreen() + (to.getGreen() - from.getGreen()) * t)),
                clamp((int) Math.round(from.getBlue() + (to.getBlue() - from.getBlue()) * t)));
    }

    /** Multiplies every channel: below 1 darkens, above 1 lightens. */
    static Color shade(Color color, double factor) {
        return new Color(
                clamp((int) Math.round(color.getRed() * factor)),
                clamp((int) Math.round(color.getGreen() * factor)),
                clamp((int) Math.round(color.getBlue() * factor)));
    }

    static Color alpha(Color color, double alpha) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), clamp((int) Math.round(alpha * 255)));
    }

    /** A colour near {@code base}: each channel moved by up to {@code spread}. */
    static Color jitter(Color base, int spread, SyntheticRandom random) {
        return rgb(
                base.getRed() + (int) random.uniform(-spread, spread),
                base.getGreen() + (int) random.uniform(-spread, spread),
                base.getBlue() + (int) random.uniform(-spread, spread));
    }

    /** Any saturated or muted colour, for clothes, backgrounds and clutter. */
    static Color random(SyntheticRandom random) {
        float hue = (float) random.uniform(0, 1);
        float saturation = (float) random.uniform(0.1, 0.9);
        float brightness = (float) random.uniform(0.15, 0.95);
        return Color.getHSBColor(hue, saturation, brightness);
    }

    static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
