package io.prosface.core.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.model.VisionTransformer;
import java.util.List;

/**
 * Runs a backbone in inference mode over prepared images, batch by batch, and keeps its outputs as plain arrays
 * ({@link CachedFeatures}). Every batch lives in its own sub-manager, closed right after its values are copied out.
 */
public final class FeatureExtractor {

    private FeatureExtractor() {}

    /**
     * @param pixels normalised CHW images of side {@code imageSize}
     * @param manager parent of the per-batch managers; also decides the device
     */
    public static CachedFeatures extract(
            VisionTransformer backbone, List<float[]> pixels, int imageSize, int batchSize, NDManager manager) {
        int count = pixels.size();
        int embedDim = backbone.config().embedDim();
        int perSide = imageSize / backbone.config().patchSize();
        int numPatches = perSide * perSide;
        float[] classTokens = new float[count * embedDim];
        float[] patchTokens = new float[count * numPatches * embedDim];
        Device device = manager.getDevice();
        for (int start = 0; start < count; start += batchSize) {
            int end = Math.min(count, start + batchSize);
            try (NDManager batchManager = manager.newSubManager(device)) {
                NDArray images = FacePreprocessor.stack(batchManager, pixels.subList(start, end), imageSize);
                // no gradient collector is open, so nothing is recorded for autograd
                NDList output = backbone.forward(new ParameterStore(batchManager, false), new NDList(images), false);
                float[] classBatch = output.get(0).toFloatArray();
                float[] patchBatch = output.get(1).toFloatArray();
                System.arraycopy(classBatch, 0, classTokens, start * embedDim, classBatch.length);
                System.arraycopy(patchBatch, 0, patchTokens, start * numPatches * embedDim, patchBatch.length);
            }
        }
        return new CachedFeatures(count, embedDim, numPatches, classTokens, patchTokens);
    }

    /**
     * The token sequences after the first {@code depth} blocks (the frozen prefix of a last-k-blocks job, depth =
     * L - k), batch by batch like {@link #extract}.
     *
     * @param pixels normalised CHW images of side {@code imageSize}
     */
    public static CachedTokens extractTokens(
            VisionTransformer backbone,
            int depth,
            List<float[]> pixels,
            int imageSize,
            int batchSize,
            NDManager manager) {
        int count = pixels.size();
        int embedDim = backbone.config().embedDim();
        int perSide = imageSize / backbone.config().patchSize();
        int length = 1 + perSide * perSide;
        float[] tokens = new float[count * length * embedDim];
        for (int start = 0; start < count; start += batchSize) {
            int end = Math.min(count, start + batchSize);
            try (NDManager batchManager = manager.newSubManager(manager.getDevice())) {
                NDArray images = FacePreprocessor.stack(batchManager, pixels.subList(start, end), imageSize);
                ParameterStore parameters = new ParameterStore(batchManager, false);
                NDArray prefix =
                        backbone.runBlocks(parameters, backbone.embed(parameters, images, false), 0, depth, false);
                float[] values = prefix.toFloatArray();
                System.arraycopy(values, 0, tokens, start * length * embedDim, values.length);
            }
        }
        return new CachedTokens(count, length, embedDim, tokens);
    }
}
