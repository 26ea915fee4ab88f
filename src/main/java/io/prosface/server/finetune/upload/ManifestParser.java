package io.prosface.server.finetune.upload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prosface.server.error.ServingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a label manifest, CSV or JSON (decided by the name's extension, else by the first character). Every error
 * names the manifest line. Formats (docs/fine-tuning.md, "Upload"):
 * <pre>
 * CSV, header first:  image,label            classification: one class per line
 *                     image,labels           multilabel: tags separated by ';' or '|' (may be empty)
 *                     image,age[,...]        regression: one column per output, the header names them
 *                     image,x0,y0,...        landmarks: K points in pixels of the image
 * JSON object:        {"a.jpg": "happy", "b.jpg": ["glasses", "hat"], "c.jpg": 31, "d.jpg": {"age": 31},
 *                      "e.jpg": [[12.5, 40], [30, 41]]}
 * </pre>
 */
public final class ManifestParser {

    /**
     * Deepest JSON nesting a manifest may have. A valid one needs 3 (object, list of points, point); the bound makes
     * the parser refuse a hostile document before it builds anything from it.
     */
    static final int MAX_JSON_NESTING = 16;

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_NESTING)
                    .build())
            .build();
    private static final ObjectMapper JSON = new ObjectMapper(JSON_FACTORY);

    private ManifestParser() {}

    public static Manifest parse(String fileName, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        boolean json = lower.endsWith(".json")
                || (!lower.endsWith(".csv") && text.stripLeading().startsWith("{"));
        Manifest manifest = json ? parseJson(text) : parseCsv(text);
        if (manifest.rows().isEmpty()) {
            throw ServingException.invalidArgument("manifest " + fileName + " has no labelled images");
        }
        return manifest;
    }

    static Manifest parseCsv(String text) {
        String[] lines = text.split("\r?\n", -1);
        int headerIndex = 0;
        while (headerIndex < lines.length && lines[headerIndex].isBlank()) {
            headerIndex++;
        }
        if (headerIndex == lines.length) {
            throw ServingException.invalidArgument("manifest is empty");
        }
        List<String> header = split(lines[headerIndex], headerIndex + 1);
        String first = header.get(0).trim().toLowerCase(java.util.Locale.ROOT);
        if (!(first.equals("image") || first.equals("file") || first.equals("filename")) || header.size() < 2) {
            throw ServingException.invalidArgument("manifest line " + (headerIndex + 1)
                    + ": the CSV header must be 'image,<label column(s)>', got '" + lines[headerIndex] + "'");
        }
        List<String> columns =
                header.subList(1, header.size()).stream().map(String::trim).toList();
        boolean tagColumn = columns.size() == 1 && columns.get(0).equalsIgnoreCase("labels");
        List<Manifest.Row> rows = new ArrayList<>();
        for (int index = headerIndex + 1; index < lines.length; index++) {
            if (lines[index].isBlank()) {
                continue;
            }
            int line = index + 1;
            List<String> fields = split(lines[index], line);
            if (fields.size() != header.size()) {
                throw ServingException.invalidArgument("manifest line " + line + ": expected " + header.size()
                        + " columns like the header, found " + fields.size());
            }
            String image = fields.get(0).trim();
            List<String> label =
                    fields.subList(1, fields.size()).stream().map(String::trim).toList();
            if (tagColumn) {
                label = label.get(0).isEmpty()
                        ? List.of()
                        : List.of(label.get(0).split("\\s*[;|]\\s*"));
            }
            rows.add(new Manifest.Row(line, image, label));
        }
        return new Manifest(columns, rows);
    }

    /** RFC 4180 quoting on one line ("a,b" and "" inside quotes). */
    static List<String> split(String line, int lineNumber) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw ServingException.invalidArgument("manifest line " + lineNumber + ": unterminated quote");
        }
        fields.add(field.toString());
        return fields;
    }

    static Manifest parseJson(String text) {
        List<Manifest.Row> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ServingException.invalidArgument("manifest line " + line(parser)
                        + ": a JSON manifest is one object {\"image name\": label, ...}");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                int line = line(parser);
                String image = parser.currentName();
                parser.nextToken();
                JsonNode label = parser.readValueAsTree();
                if (label.isObject() && columns.isEmpty()) {
                    label.fieldNames().forEachRemaining(columns::add);
                }
                rows.add(new Manifest.Row(line, image, fields(label, line, columns)));
            }
        } catch (StreamConstraintsException overLimit) {
            // nesting, string or number length over the parser's bounds; these errors carry no location
            throw ServingException.invalidArgument("manifest JSON is over a parser limit (nested deeper than "
                    + MAX_JSON_NESTING + " levels, or a value too long): " + overLimit.getOriginalMessage());
        } catch (JsonProcessingException bad) {
            JsonLocation location = bad.getLocation();
            throw ServingException.invalidArgument(
                    (location == null ? "manifest" : "manifest line " + location.getLineNr()) + ": invalid JSON: "
                            + bad.getOriginalMessage());
        } catch (IOException unreadable) {
            throw ServingException.invalidArgument("manifest cannot be read: " + unreadable.getMessage());
        }
        return new Manifest(List.copyOf(columns), rows);
    }

    private static int line(JsonParser parser) {
        return parser.currentLocation().getLineNr();
    }

    /** A JSON label as text fields: "x" -> [x]; [a, b] -> [a, b]; [[x, y], ...] -> [x, y, ...]; {k: v} -> values. */
    private static List<String> fields(JsonNode label, int line, List<String> columns) {
        List<String> fields = new ArrayList<>();
        if (label.isTextual() || label.isNumber() || label.isBoolean()) {
            fields.add(label.asText());
        } else if (label.isArray()) {
            for (JsonNode item : label) {
                if (item.isArray()) {
                    item.forEach(value -> fields.add(scalar(value, line)));
                } else {
                    fields.add(scalar(item, line));
                }
            }
        } else if (label.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = label.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!columns.contains(entry.getKey())) {
                    throw ServingException.invalidArgument("manifest line " + line + ": output '" + entry.getKey()
                            + "' is not in the first entry's outputs " + columns);
                }
                fields.add(scalar(entry.getValue(), line));
            }
            if (fields.size() != columns.size()) {
                throw ServingException.invalidArgument("manifest line " + line + ": expected the outputs " + columns);
            }
        } else {
            throw ServingException.invalidArgument("manifest line " + line + ": a label must be text, a number, "
                    + "a list or an object, got " + label.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return fields;
    }

    private static String scalar(JsonNode value, int line) {
        if (value.isContainerNode() || value.isNull()) {
            throw ServingException.invalidArgument(
                    "manifest line " + line + ": nested value " + value + " where a text or a number was expected");
        }
        return value.asText();
    }
}
