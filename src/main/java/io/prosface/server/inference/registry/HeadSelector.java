package io.prosface.server.inference.registry;

import io.prosface.server.error.ServingException;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client's choice of head: {@code name} (the current version) or {@code name@vN} (exactly version N).
 *
 * @param name head name, e.g. {@code attributes}
 * @param version wanted version, empty for the current one
 */
public record HeadSelector(String name, OptionalInt version) {

    private static final Pattern FORMAT = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]{0,63})(?:@v?([0-9]{1,6}))?");

    /** A gRPC {@code HeadRef}: name plus version "vN", "N" or empty (current); null when the name is empty. */
    public static HeadSelector of(String name, String version) {
        if (name == null || name.isEmpty()) {
            if (version != null && !version.isEmpty()) {
                throw ServingException.invalidArgument("head version '" + version + "' given without a head name");
            }
            return null;
        }
        return parse(version == null || version.isEmpty() ? name : name + "@" + version);
    }

    /** Parses {@code name}, {@code name@vN} or {@code name@N}; anything else is INVALID_ARGUMENT. */
    public static HeadSelector parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw ServingException.invalidArgument("head must be 'name' or 'name@vN', got '" + text + "'");
        }
        String version = matcher.group(2);
        return new HeadSelector(
                matcher.group(1), version == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(version)));
    }

    @Override
    public String toString() {
        return version.isPresent() ? name + "@v" + version.getAsInt() : name;
    }
}
