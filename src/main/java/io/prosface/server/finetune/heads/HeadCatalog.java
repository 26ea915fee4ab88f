package io.prosface.server.finetune.heads;

import io.prosface.server.finetune.store.Database;
import io.prosface.server.inference.engine.InferenceEngine;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's {@link ModelRegistry} in step with the published heads in the database: loads versions it
 * does not serve yet (any replica may have published them), follows promotions, drops deleted versions. Runs after a
 * local publication (so a new head is served at once) and on every poll (so heads of other replicas arrive within
 * {@code pros.finetune.poll-interval}). Only heads trained on the served backbone are loaded.
 */
@ApplicationScoped
public class HeadCatalog {

    private static final Logger LOG = Logger.getLogger(HeadCatalog.class);

    private final HeadStore store;
    private final InferenceEngine engine;

    /** Versions this catalog put into the registry (the others there are the checkpoint's built-in heads). */
    private final Set<String> loaded = new HashSet<>();
    /** Versions that failed to load (bad checksum, other backbone), not retried until they change. */
    private final Set<String> broken = new HashSet<>();

    @Inject
    HeadCatalog(HeadStore store, InferenceEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** Identity of the served backbone as stored with heads: its weights' SHA-256, else the model version. */
    public static String backboneId(ModelRegistry registry) {
        return registry.backboneSha256() != null ? registry.backboneSha256() : registry.modelVersion();
    }

    /** True for a head version this catalog serves from the store (false: built in, or not loaded). */
    public synchronized boolean isStored(String key) {
        return loaded.contains(key);
    }

    /** Brings the registry in line with the store; safe to call from any thread. */
    public synchronized void refresh() {
        ModelRegistry registry = engine.registry();
        if (registry == null || engine.state() != InferenceEngine.State.READY) {
            return;
        }
        String backbone = backboneId(registry);
        List<HeadRecord> published = store.published().stream()
                .filter(head -> head.backbone().equals(backbone))
                .toList();
        Map<String, HeadRecord> wanted = new HashMap<>();
        published.forEach(head -> wanted.put(head.key(), head));
        for (String key : Set.copyOf(loaded)) {
            if (!wanted.containsKey(key)) {
                String[] parts = key.split("@v");
                registry.removeVersion(parts[0], Integer.parseInt(parts[1]));
                loaded.remove(key);
                LOG.infof("head %s deleted: no longer served", key);
            }
        }
        // oldest first, so that a name's versions arrive in order and the current one is set last
        List<HeadRecord> oldestFirst = new java.util.ArrayList<>(published);
        java.util.Collections.reverse(oldestFirst);
        for (HeadRecord head : oldestFirst) {
            if (!loaded.contains(head.key()) && !broken.contains(head.key())) {
                load(registry, head);
            }
        }
        for (HeadRecord head : published) {
            if (head.current() && loaded.contains(head.key())) {
                registry.promote(head.name(), head.version());
            }
        }
    }

    private void load(ModelRegistry registry, HeadRecord head) {
        Path directory = null;
        try {
            HeadStore.Artifact artifact = store.artifact(head.name(), head.version());
            directory = Files.createTempDirectory("pros-head-");
            ArtifactZip.unpack(artifact.bytes(), directory);
            checkIdentity(directory, head);
            LoadedHead served = registry.addVersion(directory, head.current());
            loaded.add(head.key());
            LOG.infof(
                    "serving head %s (%s, %d outputs) from the store",
                    served.key(), served.kind(), served.labels().size());
        } catch (Exception failure) {
            broken.add(head.key());
            LOG.errorf("head %s cannot be served: %s", head.key(), failure.getMessage());
        } finally {
            ArtifactZip.deleteTree(directory);
        }
    }

    /** The artifact must describe the row it is stored under (a copied or mislabelled blob is refused). */
    private static void checkIdentity(Path directory, HeadRecord head) throws java.io.IOException {
        var description = Database.JSON
                .readTree(directory
                        .resolve(io.prosface.core.model.HeadArtifact.HEAD_FILE)
                        .toFile())
                .path("head");
        if (!head.name().equals(description.path("name").asText())
                || head.version() != description.path("version").asInt()) {
            throw new java.io.IOException(
                    "the artifact describes " + description.path("name").asText() + "@v"
                            + description.path("version").asInt() + ", not " + head.key());
        }
    }

    /** Keys of the loaded store heads, for listings. */
    public synchronized Set<String> loadedKeys() {
        return Set.copyOf(loaded);
    }

    /** Names that belong to the checkpoint (built in): a job may not publish under them. */
    public synchronized Set<String> builtInNames() {
        ModelRegistry registry = engine.registry();
        Set<String> names = new HashSet<>();
        if (registry != null) {
            for (LoadedHead head : registry.allVersions()) {
                if (!loaded.contains(head.key())) {
                    names.add(head.name());
                }
            }
        }
        return names;
    }
}
