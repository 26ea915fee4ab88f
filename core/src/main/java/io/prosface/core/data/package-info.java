/**
 * Face data: from bytes or files to model-ready tensors, the same way in training and serving.
 *
 * <ul>
 *   <li>{@link io.prosface.core.data.ImageDecoder}: untrusted bytes to TYPE_INT_RGB with byte and header-pixel guards;
 *       refusals are {@link io.prosface.core.data.InvalidImageException} with a machine-readable reason.</li>
 *   <li>{@link io.prosface.core.data.FacePreprocessor}: crop around a face box with margin, antialiased resize,
 *       mean/std normalisation, CHW float32 and (B,3,S,S) batches; {@link io.prosface.core.data.CropTransform} maps
 *       coordinates between the original image and the model input in both directions.</li>
 *   <li>The readers in {@link io.prosface.core.data.readers} ({@code CelebaReader}, {@code IbugReader},
 *       {@code ExpressionCsvReader}, {@code UtkFaceReader}, {@code ImageFolderReader}) build lazy
 *       {@link io.prosface.core.data.FaceDataset}s;
 *       {@link io.prosface.core.data.FaceBatchLoader} decodes and augments them on a thread pool, deterministically,
 *       skipping and counting broken images.</li>
 *   <li>In {@link io.prosface.core.data.augment}: {@link io.prosface.core.data.augment.MultiCropAugmentation}
 *       (pretraining views) and
 *       {@link io.prosface.core.data.augment.LandmarkAugmentation} (geometry that moves landmarks along), both
 *       seeded.</li>
 * </ul>
 *
 * <p>Coordinates are continuous image pixels: pixel (i, j) covers [i, i+1) x [j, j+1); points are interleaved
 * {@code x0,y0,x1,y1,...}.
 */
package io.prosface.core.data;
