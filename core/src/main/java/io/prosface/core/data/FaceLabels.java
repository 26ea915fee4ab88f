package io.prosface.core.data;

import java.util.Map;

/**
 * Everything known about one face image; a {@code null} field means "unknown for this sample" (the loss of that
 * task skips it).
 *
 * @param attributes binary attributes by CelebA name (e.g. {@code Smiling}), or null
 * @param expression one of the 7 basic expressions, or null
 * @param landmarks K*2 pixel coordinates of the sample's image, interleaved {@code x0,y0,x1,y1,...}
 *                  (K = 68 for iBUG), or null
 * @param age age in years, or null
 * @param gender 0 male, 1 female (UTKFace convention), or null
 * @param race 0..4 (UTKFace convention), or null
 */
public record FaceLabels(
        Map<String, Boolean> attributes,
        Expression expression,
        float[] landmarks,
        Integer age,
        Integer gender,
        Integer race) {}
