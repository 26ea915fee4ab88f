package io.prosface.server;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.Expression;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.server.inference.registry.RandomCheckpoint;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A random vit_micro checkpoint whose built-in expression head carries its own copy of the last block (perturbed,
 * so it differs from the backbone's), next to plain attribute and landmark heads; served as {@code pros.model.path}.
 */
public class TailedCheckpoint implements QuarkusTestResourceLifecycleManager {

    public static final Path DIRECTORY = Path.of("target", "tailed-checkpoint").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        try {
            if (!Files.exists(DIRECTORY.resolve(Checkpoint.CONFIG_FILE))) {
                write();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tailed test checkpoint", e);
        }
        return Map.of("pros.model.path", DIRECTORY.toString());
    }

    private static void write() throws IOException {
        VisionTransformerConfig architecture = VisionTransformerConfig.variant("vit_micro_patch8_32");
        List<HeadConfig> heads = List.of(
                new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, RandomCheckpoint.CELEBA_ATTRIBUTES),
                new HeadConfig("expression", 1, HeadKind.EXPRESSION, Expression.labels(), 1),
                new HeadConfig(
                        "landmarks",
                        1,
                        HeadKind.LANDMARKS,
                        IntStream.range(0, 68).mapToObj(Integer::toString).toList()));
        CheckpointConfig config = new CheckpointConfig(
                architecture,
                Preprocessing.imagenet(architecture.imageSize()),
                null,
                heads,
                Map.of("init", "random"),
                "random stand-in with a tailed expression head");
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = Checkpoint.initialized(config, manager);
            // an in-place write to parameters: libtorch's grad mode is per thread, and this may run on any thread
            io.prosface.core.train.GradientRecording.pauseOnThisThread();
            checkpoint
                    .tail("expression")
                    .orElseThrow()
                    .getParameters()
                    .values()
                    .forEach(parameter -> parameter
                            .getArray()
                            .addi(manager.randomNormal(
                                    0f,
                                    0.1f,
                                    parameter.getArray().getShape(),
                                    parameter.getArray().getDataType())));
            checkpoint.save(DIRECTORY);
        }
    }

    @Override
    public void stop() {}
}
