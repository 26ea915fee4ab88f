package io.prosface.server.inference.registry;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.prosface.core.model.BackbonePass;
import io.prosface.core.model.VisionTransformer;
import java.util.Map;
import java.util.Set;

/** The float32 backbone in DJL: the plain forward when no head needs inner tokens, else one {@link BackbonePass}. */
public final class DjlBackboneRunner implements BackboneRunner {

    private final VisionTransformer backbone;

    public DjlBackboneRunner(VisionTransformer backbone) {
        this.backbone = backbone;
    }

    @Override
    public BackbonePass run(NDArray images, Set<Integer> depths, boolean fullOutput) {
        ParameterStore parameters = new ParameterStore(images.getManager(), false);
        if (depths.isEmpty()) {
            // (B, 3, S, S) -> classToken (B, D), patchTokens (B, N, D)
            return new BackbonePass(backbone.features(parameters, images, false), Map.of());
        }
        return BackbonePass.run(backbone, parameters, images, depths, fullOutput);
    }
}
