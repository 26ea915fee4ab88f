package io.prosface.load;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scenario: the defaults of {@link Parameter}, then a scenario file, then {@code key=value} overrides. */
final class Scenario {

    private static final Pattern HEADER_LINE = Pattern.compile("^#\\s+([a-z][a-z.-]*) = (.*?): .*$");

    final String name;
    private final Map<Parameter, String> values = new EnumMap<>(Parameter.class);
    final List<String> warnings = new ArrayList<>();

    private Scenario(String name) {
        this.name = name;
        for (Parameter parameter : Parameter.values()) {
            values.put(parameter, parameter.defaultValue);
        }
    }

    static Scenario load(Path file, List<String> overrides) throws IOException {
        String text = Files.readString(file);
        Scenario scenario = new Scenario(file.getFileName().toString().replaceFirst("\\.properties$", ""));
        scenario.checkHeader(file, text);
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        properties.stringPropertyNames().forEach(key -> scenario.set(key, properties.getProperty(key)));
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("override must be key=value: " + override);
            }
            scenario.set(
                    override.substring(0, equals).trim(),
                    override.substring(equals + 1).trim());
        }
        return scenario;
    }

    private void set(String key, String value) {
        values.put(Parameter.byKey(key), value.trim());
    }

    /** The header must list every parameter with its current default: a stale header misleads its reader. */
    private void checkHeader(Path file, String text) {
        Map<String, String> listed = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher matcher = HEADER_LINE.matcher(line);
            if (matcher.matches()) {
                listed.put(matcher.group(1), matcher.group(2));
            }
        }
        for (Parameter parameter : Parameter.values()) {
            String shown = listed.get(parameter.key);
            if (!parameter.defaultValue.equals(shown)) {
                warnings.add(file.getFileName() + ": header "
                        + (shown == null
                                ? "misses " + parameter.key
                                : "says " + parameter.key + " = " + shown + ", default is " + parameter.defaultValue)
                        + " (run.sh --parameters prints the current header)");
            }
        }
    }

    String text(Parameter parameter) {
        return values.get(parameter);
    }

    int integer(Parameter parameter) {
        return Integer.parseInt(text(parameter));
    }

    List<String> list(Parameter parameter) {
        return Arrays.stream(text(parameter).split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    List<Integer> integers(Parameter parameter) {
        return list(parameter).stream().map(Integer::parseInt).toList();
    }

    /** Durations as {@code 250ms}, {@code 15s}, {@code 2m}. */
    Duration duration(Parameter parameter) {
        String value = text(parameter);
        Matcher matcher = Pattern.compile("(\\d+)(ms|s|m)").matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(parameter.key + ": expected a duration like 250ms, 15s or 2m: " + value);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        values.forEach((parameter, value) -> map.put(parameter.key, value));
        return map;
    }
}
