package io.prosface.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads the facts the deployment files must agree with out of the poms and the Dockerfiles: versions from the parent
 * (pom.xml), the native profile from the server's (server/pom.xml).
 */
final class ProjectFiles {
    static final Path POM = Manifests.REPOSITORY.resolve("server/pom.xml");
    static final Path PARENT_POM = Manifests.REPOSITORY.resolve("pom.xml");
    static final Path DOCKER = Manifests.REPOSITORY.resolve("src/main/docker");

    private ProjectFiles() {}

    static Element pom() {
        return parse(POM);
    }

    private static Element parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + file, e);
        }
    }

    /** A property from the server pom's {@code <properties>}, else from the parent's (where the versions are). */
    static String pomProperty(String name) {
        List<Element> own = children(child(pom(), "properties"), name);
        return own.isEmpty() ? text(child(child(parse(PARENT_POM), "properties"), name)) : text(own.get(0));
    }

    /** The {@code <profile>} with the given id. */
    static Element profile(String id) {
        for (Element profile : children(child(pom(), "profiles"), "profile")) {
            if (id.equals(text(child(profile, "id")))) {
                return profile;
            }
        }
        throw new AssertionError("server/pom.xml has no profile " + id);
    }

    /** Walks nested child elements, taking the first of each name: path(profile, "build", "plugins", "plugin"). */
    static Element path(Element from, String... names) {
        Element element = from;
        for (String name : names) {
            element = child(element, name);
        }
        return element;
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        if (found.isEmpty()) {
            throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
        }
        return found.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int index = 0; index < nodes.getLength(); index++) {
            Node node = nodes.item(index);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    static String text(Element element) {
        return element.getTextContent().trim();
    }

    /**
     * A Dockerfile as (instruction, arguments) pairs, continuation lines joined, comments dropped.
     *
     * @param instructions in file order
     */
    record Dockerfile(List<Map.Entry<String, String>> instructions) {
        static Dockerfile read(String fileName) {
            try {
                String text = Files.readString(DOCKER.resolve(fileName)).replaceAll("\\\\\\n", " ");
                List<Map.Entry<String, String>> instructions = new ArrayList<>();
                for (String line : text.split("\n")) {
                    String trimmed = line.trim();
                    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                        continue;
                    }
                    int space = trimmed.indexOf(' ');
                    instructions.add(Map.entry(
                            trimmed.substring(0, space).toUpperCase(),
                            trimmed.substring(space + 1).trim()));
                }
                return new Dockerfile(instructions);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<String> all(String instruction) {
            return instructions.stream()
                    .filter(entry -> entry.getKey().equals(instruction))
                    .map(Map.Entry::getValue)
                    .toList();
        }

        String last(String instruction) {
            List<String> values = all(instruction);
            if (values.isEmpty()) {
                throw new AssertionError("no " + instruction + " instruction");
            }
            return values.get(values.size() - 1);
        }

        /** The final image's base, with ARG defaults substituted. */
        String baseImage() {
            String from = last("FROM").split("\\s+")[0];
            for (String argument : all("ARG")) {
                String[] nameAndDefault = argument.split("=", 2);
                if (nameAndDefault.length == 2) {
                    from = from.replace("${" + nameAndDefault[0] + "}", nameAndDefault[1]);
                }
            }
            return from;
        }

        /** ENV values (both {@code K=V K2=V2} and {@code K V} forms), later ones winning. */
        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            for (String value : all("ENV")) {
                int space = value.indexOf(' ');
                int equals = value.indexOf('=');
                if (equals < 0 || (space >= 0 && space < equals)) { // the legacy "ENV KEY value" form
                    String[] keyAndValue = value.split("\\s+", 2);
                    environment.put(keyAndValue[0], keyAndValue[1]);
                    continue;
                }
                var matcher = java.util.regex.Pattern.compile("(\\w+)=(\"[^\"]*\"|'[^']*'|\\S+)")
                        .matcher(value);
                while (matcher.find()) {
                    environment.put(matcher.group(1), matcher.group(2).replaceAll("^[\"']|[\"']$", ""));
                }
            }
            return environment;
        }

        /** COPY instructions as (source, destination), flags such as --chown dropped. */
        List<Map.Entry<String, String>> copies() {
            List<Map.Entry<String, String>> copies = new ArrayList<>();
            for (String value : all("COPY")) {
                List<String> parts = new ArrayList<>(List.of(value.split("\\s+")));
                parts.removeIf(part -> part.startsWith("--"));
                copies.add(Map.entry(parts.get(0), parts.get(parts.size() - 1)));
            }
            return copies;
        }
    }
}
