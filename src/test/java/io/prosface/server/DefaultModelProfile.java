package io.prosface.server;

import io.prosface.core.RepositoryRoot;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/** The committed, trained models/default (the README's run command serves it) instead of the random test model. */
public class DefaultModelProfile implements QuarkusTestProfile {

    public static final Path MODEL = RepositoryRoot.resolve("models/default");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("pros.model.path", MODEL.toString());
    }
}
