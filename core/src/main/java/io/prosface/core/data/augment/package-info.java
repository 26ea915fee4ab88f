/**
 * Seeded augmentation of training images: {@link io.prosface.core.data.augment.MultiCropAugmentation} makes the
 * global and local views of ProS pretraining ({@link io.prosface.core.data.augment.MultiCropConfig},
 * {@link io.prosface.core.data.augment.MultiCropViews}), and {@link io.prosface.core.data.augment.LandmarkAugmentation}
 * moves an image and its landmarks together (rotation, scale, shift, flip with the iBUG point permutation, colour)
 * for landmark and multi-task fine-tuning. Same seed, same views.
 */
package io.prosface.core.data.augment;
