package io.prosface.server;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.Expression;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.server.inference.registry.FaceTask;
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
 * A random vit_micro checkpoint with the three face heads plus a built-in {@code age} head (kind REGRESSION, one
 * output named "age"), like the trained default that answers age; served as {@code pros.model.path}.
 */
public class AgedCheckpoint implements QuarkusTestResourceLifecycleManager {

    public static final Path DIRECTORY = Path.of("target", "aged-checkpoint").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        try {
            if (!Files.exists(DIRECTORY.resolve(Checkpoint.CONFIG_FILE))) {
                write();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the aged test checkpoint", e);
        }
        return Map.of("pros.model.path", DIRECTORY.toString());
    }

    private static void write() throws IOException {
        VisionTransformerConfig architecture = VisionTransformerConfig.variant("vit_micro_patch8_32");
        List<HeadConfig> heads = List.of(
                new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, RandomCheckpoint.CELEBA_ATTRIBUTES),
                new HeadConfig("expression", 1, HeadKind.EXPRESSION, Expression.labels()),
                new HeadConfig(
                        "landmarks",
                        1,
                        HeadKind.LANDMARKS,
                        IntStream.range(0, 68).mapToObj(Integer::toString).toList()),
                new HeadConfig(FaceTask.AGE_HEAD, 1, HeadKind.REGRESSION, List.of("age")));
        CheckpointConfig config = new CheckpointConfig(
                architecture,
                Preprocessing.imagenet(architecture.imageSize()),
                null,
                heads,
                Map.of("init", "random"),
                "random stand-in with a built-in age head");
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.initialized(config, manager).save(DIRECTORY);
        }
    }

    @Override
    public void stop() {}
}
