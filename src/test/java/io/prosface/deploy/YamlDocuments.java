package io.prosface.deploy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads (multi-document) YAML into plain maps and lists, the form the kustomize renderer works on. */
final class YamlDocuments {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private YamlDocuments() {}

    static List<Map<String, Object>> read(Path file) {
        try {
            return read(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> read(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (MappingIterator<Object> iterator = YAML.readerFor(Object.class).readValues(text)) {
            while (iterator.hasNext()) {
                Object document = iterator.next();
                if (document == null) {
                    continue; // an empty document between two '---'
                }
                if (!(document instanceof Map)) {
                    throw new IllegalArgumentException("a YAML document must be a mapping, got: " + document);
                }
                documents.add((Map<String, Object>) document);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** A deep copy made of LinkedHashMap/ArrayList, so that callers can mutate it freely. */
    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put((String) key, deepCopy(item)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(deepCopy(item)));
            return (T) copy;
        }
        return value;
    }

    /** Walks a path of map keys; {@code null} when any step is missing. */
    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> root, String... keys) {
        Object node = root;
        for (String key : keys) {
            if (!(node instanceof Map)) {
                return null;
            }
            node = ((Map<String, Object>) node).get(key);
        }
        return (T) node;
    }
}
