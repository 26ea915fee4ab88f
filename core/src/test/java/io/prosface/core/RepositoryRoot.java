package io.prosface.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root folder, wherever a test runs: the modules' tests run in their own folder (the server's Quarkus
 * tests must, Quarkus finds the application from the working directory), but read {@code ../shared/data},
 * {@code models/default} and {@code k8s/} relative to the root. Surefire passes it as {@code pros.repository.root}
 * (the parent pom); without it (an IDE run) it is the nearest folder at or above the working directory that holds
 * {@code core/pom.xml}.
 */
public final class RepositoryRoot {

    /** The root, absolute and normalised. */
    public static final Path PATH = locate();

    private RepositoryRoot() {}

    /** A path relative to the root, e.g. {@code resolve("../shared/data")}. */
    public static Path resolve(String relative) {
        return PATH.resolve(relative).normalize();
    }

    private static Path locate() {
        String configured = System.getProperty("pros.repository.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path folder = start; folder != null; folder = folder.getParent()) {
            if (Files.isRegularFile(folder.resolve("core/pom.xml"))) {
                return folder;
            }
        }
        throw new IllegalStateException("no repository root (a folder with core/pom.xml) at or above " + start
                + "; set -Dpros.repository.root");
    }
}
