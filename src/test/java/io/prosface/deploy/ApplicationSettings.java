package io.prosface.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What the server will listen on, as Quarkus resolves it in the prod profile: an environment variable from the
 * manifest wins over {@code %prod.key}, which wins over {@code key} in application.properties, which wins over the
 * Quarkus default. The manifests are checked against these values, so changing the port or a health path in
 * application.properties without the manifests fails the tests.
 */
final class ApplicationSettings {
    static final Path PROPERTIES = Manifests.REPOSITORY.resolve("src/main/resources/application.properties");

    private final Properties properties;
    private final Map<String, String> environment;

    private ApplicationSettings(Properties properties, Map<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** The settings of a container whose environment is {@code environment} (see {@link Rendered#environment}). */
    static ApplicationSettings forEnvironment(Map<String, String> environment) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(PROPERTIES)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ApplicationSettings(properties, environment);
    }

    static Properties rawProperties() {
        return forEnvironment(Map.of()).properties;
    }

    String get(String key, String defaultValue) {
        String fromEnvironment = environment.get(environmentName(key));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        return properties.getProperty("%prod." + key, properties.getProperty(key, defaultValue));
    }

    /** Quarkus' mapping of a property name to an environment variable: non-alphanumerics to '_', upper case. */
    static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    int httpPort() {
        return Integer.parseInt(get("quarkus.http.port", "8080"));
    }

    /** Port of /q/health and /q/metrics: the management interface's when it is enabled, else the HTTP port. */
    int observabilityPort() {
        return Boolean.parseBoolean(get("quarkus.management.enabled", "false"))
                ? Integer.parseInt(get("quarkus.management.port", "9000"))
                : httpPort();
    }

    /** Root of the non-application endpoints, {@code /q} by default. */
    String nonApplicationRoot() {
        if (Boolean.parseBoolean(get("quarkus.management.enabled", "false"))) {
            return resolve("/", get("quarkus.management.root-path", "q"));
        }
        return resolve(get("quarkus.http.root-path", "/"), get("quarkus.http.non-application-root-path", "q"));
    }

    /** Health endpoint {@code kind} = liveness, readiness or startup. */
    String healthPath(String kind) {
        String defaultPath = switch (kind) {
            case "liveness" -> "live";
            case "readiness" -> "ready";
            case "startup" -> "started";
            default -> throw new IllegalArgumentException(kind);
        };
        String root = resolve(nonApplicationRoot(), get("quarkus.smallrye-health.root-path", "health"));
        return resolve(root, get("quarkus.smallrye-health." + kind + "-path", defaultPath));
    }

    String metricsPath() {
        return resolve(nonApplicationRoot(), get("quarkus.micrometer.export.prometheus.path", "metrics"));
    }

    /** How long Quarkus waits for in-flight work (the inference queue) after SIGTERM. */
    Duration shutdownTimeout() {
        String value = get("quarkus.shutdown.timeout", "0").trim();
        if (value.startsWith("P") || value.startsWith("p")) {
            return Duration.parse(value);
        }
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        if (value.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        return Duration.parse("PT" + value.toUpperCase(Locale.ROOT)); // 30s, 2m, 1h
    }

    /** Quarkus' rule: a path with a leading '/' is absolute, otherwise relative to its parent. */
    private static String resolve(String parent, String path) {
        if (path.startsWith("/")) {
            return path;
        }
        String base = parent.endsWith("/") ? parent : parent + "/";
        return base + path;
    }
}
