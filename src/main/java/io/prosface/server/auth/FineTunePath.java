package io.prosface.server.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Whether a request path names the fine-tuning API, however it is spelled. Routing forgives a lot: it drops matrix
 * parameters ({@code /v1;a=b/finetune}), empty and dot segments ({@code //v1}, {@code /v1/./finetune},
 * {@code /v1/x/../finetune}) and decodes percent-escapes ({@code /v1/%66inetune}); the auth filter has to see the path
 * as routing does, or an anonymous upload reaches a route that reads its body before it checks the key. Errs on the
 * side of "yes" (it also folds case and treats {@code %2F} as a separator), which only ever costs a 401 on a path that
 * would have been a 404.
 */
final class FineTunePath {

    private FineTunePath() {}

    /** True for {@code /v1/finetune} and everything below it, in any spelling routing might accept. */
    static boolean matches(String rawPath) {
        List<String> segments = List.copyOf(segments(rawPath));
        return segments.size() >= 2
                && segments.get(0).equals("v1")
                && segments.get(1).equals("finetune");
    }

    /** The path's segments: decoded, matrix parameters dropped, empty and dot segments resolved, lower case. */
    static Deque<String> segments(String rawPath) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decode(rawPath == null ? "" : rawPath).split("/")) {
            int matrix = segment.indexOf(';');
            String name = (matrix >= 0 ? segment.substring(0, matrix) : segment).toLowerCase(Locale.ROOT);
            if (name.equals("..")) {
                segments.pollLast();
            } else if (!name.isEmpty() && !name.equals(".")) {
                segments.addLast(name);
            }
        }
        return segments;
    }

    /** Percent-decoding as UTF-8 ({@code +} stays a plus: this is a path); a malformed escape stays as it is. */
    static String decode(String path) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
            if (c == '%' && low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
