package io.prosface.server.inference.registry;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointException;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.TaskHead;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/**
 * Loads a {@link Checkpoint} directory (verified checksums and architecture) into a {@link ModelRegistry}: the
 * backbone and every built-in head, with its tail when it has one.
 */
@ApplicationScoped
public class CheckpointModelLoader implements ModelLoader {

    @Override
    public ModelRegistry load(Path directory, Device device) {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Checkpoint checkpoint = Checkpoint.load(directory, manager);
            checkpoint.backbone().freezeParameters(true);
            String sha = checkpoint.backboneSha256().orElse(null);
            // "architecture@content-hash", e.g. vit_tiny_patch8_64@3f9a1c2e: embeddings compare only within one
            String version = checkpoint.config().architecture().name() + (sha == null ? "" : "@" + sha.substring(0, 8));
            ModelRegistry registry = new ModelRegistry(
                    version,
                    checkpoint.config().preprocessing(),
                    checkpoint.config().architecture(),
                    sha,
                    checkpoint.backbone(),
                    manager);
            for (HeadConfig config : checkpoint.config().heads()) {
                TaskHead head = checkpoint.heads().get(config.name());
                head.freezeParameters(true);
                // checkpoint heads (and their tails) share the model's manager: they are freed with the backbone,
                // not on their own; a head trained with its last blocks unfrozen is served with its own copy of them
                registry.install(
                        config.name(),
                        config.version(),
                        config.kind(),
                        config.labelNames(),
                        head,
                        checkpoint.tail(config.name()).orElse(null),
                        () -> {},
                        false);
            }
            return registry;
        } catch (CheckpointException | RuntimeException failure) {
            manager.close();
            throw new IllegalStateException(
                    "cannot serve the checkpoint in " + directory + ": " + failure.getMessage()
                            + " (set pros.model.path; for a random test model see docs/development.md, 'A stand-in model')",
                    failure);
        }
    }
}
