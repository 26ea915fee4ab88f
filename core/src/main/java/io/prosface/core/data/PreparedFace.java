package io.prosface.core.data;

/**
 * A model-ready face: normalised CHW float32 pixels and the crop geometry that produced them.
 *
 * @param pixels 3 * S * S floats, channel planes R, G, B, each row-major, (value/255 - mean) / std
 * @param crop maps model-input coordinates back to the original image (and forward)
 * @param imageWidth width of the decoded original image
 * @param imageHeight height of the decoded original image
 */
public record PreparedFace(float[] pixels, CropTransform crop, int imageWidth, int imageHeight) {}
