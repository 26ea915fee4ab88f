package io.prosface.core.data;

import java.util.Map;

/**
 * Everything known about one face image; {@code null} fields mean unknown (a data set that does not label them).
 *
 * @param attributes binary attributes under their CelebA names ({@code Smiling}, {@code Eyeglasses}, ...)
 * @param expression one of the 7 basic expressions
 * @param landmarks 68 iBUG points as pixel coordinates of the image, interleaved {@code x0, y0, x1, y1, ...}
 *     (length 136)
 * @param age age in years
 * @param gender 0 male, 1 female (UTKFace convention)
 * @param race 0 White, 1 Black, 2 Asian, 3 Indian, 4 Others (UTKFace convention)
 */
public record FaceLabels(Map<String, Boolean> attributes, Expression expression, float[] landmarks, Integer age,
        Integer gender, Integer race) {
}
