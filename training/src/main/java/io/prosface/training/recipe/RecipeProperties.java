package io.prosface.training.recipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A training recipe as flat key=value properties, in nanoGPT's spirit: the defaults live in one resource
 * ({@code recipe-defaults.properties}), a recipe file holds only what differs, and {@code --set key=value} overrides
 * win over both. Unknown keys are an error that lists the known ones, so a typo never silently falls back to a default.
 */
public final class RecipeProperties {

    private static final String DEFAULTS_RESOURCE = "/io/prosface/training/recipe-defaults.properties";

    private final Map<String, String> values;
    private final Map<String, String> deltas;

    private RecipeProperties(Map<String, String> values, Map<String, String> deltas) {
        this.values = values;
        this.deltas = deltas;
    }

    /** The built-in defaults, without any recipe. */
    public static RecipeProperties defaults() {
        return load(null, List.of());
    }

    /**
     * Defaults, then the recipe file (may be null), then the overrides ({@code key=value} each).
     *
     * @throws IllegalArgumentException on an unknown key or a malformed override
     */
    public static RecipeProperties load(Path recipeFile, List<String> overrides) {
        Map<String, String> values = new TreeMap<>(readDefaults());
        Map<String, String> deltas = new TreeMap<>();
        if (recipeFile != null) {
            Properties recipe = new Properties();
            try (Reader reader = Files.newBufferedReader(recipeFile, StandardCharsets.UTF_8)) {
                recipe.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read recipe " + recipeFile + ": " + e.getMessage(), e);
            }
            for (String key : recipe.stringPropertyNames()) {
                put(values, deltas, key, recipe.getProperty(key).trim(), "recipe " + recipeFile);
            }
        }
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got '" + override + "'");
            }
            put(
                    values,
                    deltas,
                    override.substring(0, equals).trim(),
                    override.substring(equals + 1).trim(),
                    "--set");
        }
        return new RecipeProperties(values, deltas);
    }

    /** Rebuilds a recipe from a stored full map (a checkpoint's config.json) so that --resume sees the same values. */
    public static RecipeProperties fromStored(Map<String, String> stored, List<String> overrides) {
        Map<String, String> values = new TreeMap<>(readDefaults());
        Map<String, String> deltas = new TreeMap<>();
        stored.forEach((key, value) -> {
            if (values.containsKey(key)) {
                put(values, deltas, key, value, "stored recipe");
            }
        });
        RecipeProperties base = new RecipeProperties(values, deltas);
        return base.with(overrides);
    }

    /** A copy with more overrides applied. */
    public RecipeProperties with(List<String> overrides) {
        Map<String, String> newValues = new TreeMap<>(values);
        Map<String, String> newDeltas = new TreeMap<>(deltas);
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got '" + override + "'");
            }
            put(
                    newValues,
                    newDeltas,
                    override.substring(0, equals).trim(),
                    override.substring(equals + 1).trim(),
                    "--set");
        }
        return new RecipeProperties(newValues, newDeltas);
    }

    private static void put(
            Map<String, String> values, Map<String, String> deltas, String key, String value, String source) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException(
                    "unknown recipe key '" + key + "' in " + source + "; known keys: " + values.keySet());
        }
        values.put(key, value);
        deltas.put(key, value);
    }

    private static Map<String, String> readDefaults() {
        Properties defaults = new Properties();
        try (InputStream in = RecipeProperties.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
            }
            defaults.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
        Map<String, String> map = new TreeMap<>();
        for (String key : defaults.stringPropertyNames()) {
            map.put(key, defaults.getProperty(key).trim());
        }
        return map;
    }

    public String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("unknown recipe key '" + key + "'");
        }
        return value;
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "recipe key '" + key + "' needs an integer, got '" + string(key) + "'", e);
        }
    }

    public long longValue(String key) {
        try {
            return Long.parseLong(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "recipe key '" + key + "' needs an integer, got '" + string(key) + "'", e);
        }
    }

    public double number(String key) {
        try {
            return Double.parseDouble(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("recipe key '" + key + "' needs a number, got '" + string(key) + "'", e);
        }
    }

    public boolean flag(String key) {
        String value = string(key);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("recipe key '" + key + "' needs true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** A pair "low,high" such as a crop scale range. */
    public double[] range(String key) {
        String[] parts = string(key).split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("recipe key '" + key + "' needs 'low,high', got '" + string(key) + "'");
        }
        double low = Double.parseDouble(parts[0].trim());
        double high = Double.parseDouble(parts[1].trim());
        if (!(low <= high)) {
            throw new IllegalArgumentException("recipe key '" + key + "': low " + low + " > high " + high);
        }
        return new double[] {low, high};
    }

    /** Comma-separated list, empty entries dropped. */
    public List<String> list(String key) {
        List<String> items = new ArrayList<>();
        for (String part : string(key).split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return items;
    }

    /** Every value (defaults included), for storing in a checkpoint so a run can be reproduced exactly. */
    public Map<String, String> values() {
        return new TreeMap<>(values);
    }

    /** Only what differs from the defaults (what the recipe file and overrides set). */
    public Map<String, String> deltas() {
        return new TreeMap<>(deltas);
    }

    /**
     * The defaults file as help text: each key with its default value, under the comment lines that document it
     * (recommended ranges in brackets). Shown by {@code pretrain --help}.
     */
    public static String reference() {
        StringBuilder text = new StringBuilder();
        try (InputStream in = RecipeProperties.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
            }
            List<String> comment = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.trim();
                if (trimmed.startsWith("# ----")) {
                    text.append('\n')
                            .append(trimmed.replaceAll("^#\\s*-+\\s*|\\s*-+$", ""))
                            .append(":\n");
                    comment.clear();
                } else if (trimmed.startsWith("#")) {
                    comment.add(trimmed.substring(1).trim());
                } else if (trimmed.contains("=")) {
                    text.append("  ").append(trimmed).append('\n');
                    comment.forEach(c -> text.append("      ").append(c).append('\n'));
                    comment.clear();
                } else {
                    comment.clear();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
        return text.toString();
    }
}
