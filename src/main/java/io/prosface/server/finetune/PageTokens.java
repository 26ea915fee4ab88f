package io.prosface.server.finetune;

import io.prosface.server.error.ServingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens: the position (last job id, or an offset) plus a fingerprint of the filter arguments, so a
 * token used with other filters is refused (INVALID_ARGUMENT) instead of silently skipping or repeating items.
 */
final class PageTokens {

    private PageTokens() {}

    static String encode(String position, String filters) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((position + "\n" + filters).getBytes(StandardCharsets.UTF_8));
    }

    /** The position of {@code token}, or null for an empty token (first page). */
    static String decode(String token, String filters) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException garbled) {
            throw ServingException.invalidArgument("malformed page token");
        }
        int newline = text.indexOf('\n');
        if (newline < 0) {
            throw ServingException.invalidArgument("malformed page token");
        }
        if (!text.substring(newline + 1).equals(filters)) {
            throw ServingException.invalidArgument("page token was issued for different filter arguments");
        }
        return text.substring(0, newline);
    }

    static int pageSize(int requested, int fallback, int max) {
        if (requested < 0) {
            throw ServingException.invalidArgument("page size must not be negative, got " + requested);
        }
        return requested == 0 ? fallback : Math.min(requested, max);
    }
}
