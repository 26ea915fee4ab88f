package io.prosface.core.data.readers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" for a quote inside quotes); no multi-line fields. */
final class CsvLine {

    private CsvLine() {}

    static List<String> split(String line, Path file, int lineNumber) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new DatasetFormatException(file, lineNumber, "unterminated quote");
        }
        fields.add(field.toString());
        return fields;
    }
}
