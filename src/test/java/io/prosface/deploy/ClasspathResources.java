package io.prosface.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Names of every resource on the test classpath (jars and class directories), and Quarkus' glob matching. */
final class ClasspathResources {
    private static Set<String> names;

    private ClasspathResources() {}

    static synchronized Set<String> all() {
        if (names != null) {
            return names;
        }
        Set<String> found = new TreeSet<>();
        ClassLoader loader = ClasspathResources.class.getClassLoader();
        try {
            for (URL manifest : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
                if ("jar".equals(manifest.getProtocol())) {
                    try (JarFile jar = new JarFile(((JarURLConnection) manifest.openConnection())
                            .getJarFileURL()
                            .toURI()
                            .getPath())) {
                        jar.stream().filter(entry -> !entry.isDirectory()).forEach(entry -> found.add(entry.getName()));
                    }
                }
            }
            for (URL root : Collections.list(loader.getResources(""))) {
                if ("file".equals(root.getProtocol())) {
                    Path directory = Path.of(root.toURI());
                    try (Stream<Path> files = Files.walk(directory)) {
                        files.filter(Files::isRegularFile)
                                .forEach(file -> found.add(
                                        directory.relativize(file).toString().replace('\\', '/')));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        names = Collections.unmodifiableSet(found);
        return names;
    }

    static boolean present(String name) {
        return ClasspathResources.class.getClassLoader().getResource(name) != null;
    }

    static byte[] read(String name) {
        try (InputStream input = ClasspathResources.class.getClassLoader().getResourceAsStream(name)) {
            if (input == null) {
                throw new AssertionError("not on the classpath: " + name);
            }
            return input.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Quarkus' resource glob ({@code quarkus.native.resources.includes}) as a regex: {@code **} crosses directories,
     * {@code *} and {@code ?} stay within one. Braces and brackets are rejected: keep the patterns simple.
     */
    static Pattern glob(String glob) {
        if (glob.matches(".*[\\[\\]{}].*")) {
            throw new IllegalArgumentException("keep native resource globs to *, ** and ?: " + glob);
        }
        StringBuilder regex = new StringBuilder();
        for (int index = 0; index < glob.length(); index++) {
            char character = glob.charAt(index);
            if (character == '*' && index + 1 < glob.length() && glob.charAt(index + 1) == '*') {
                regex.append(".*");
                index++;
            } else if (character == '*') {
                regex.append("[^/]*");
            } else if (character == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(character)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
