package io.prosface.server.auth;

import io.prosface.server.config.AuthConfig;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Checks {@code Authorization: Bearer <key>} against the configured API keys ({@code pros.auth.api-keys}). Keys are
 * compared as SHA-256 digests with a constant-time comparison over every configured key, so neither the answer nor
 * its timing tells how close a guess was. Refusals never say why beyond "missing or invalid" / "not allowed".
 */
@ApplicationScoped
public class ApiKeys {

    /** What a key may do; ADMIN includes READ. */
    public enum Role {
        /** Follow jobs, list heads. */
        READ,
        /** Upload jobs, cancel them, promote and delete heads. */
        ADMIN
    }

    /** The authenticated caller: the key's configured name (never the secret) and its roles. */
    public record Caller(String keyName, Set<Role> roles) {
        public boolean may(Role role) {
            return roles.contains(Role.ADMIN) || roles.contains(role);
        }
    }

    private record Key(String name, byte[] digest, Set<Role> roles) {}

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final AuthConfig config;

    private final List<Key> keys = new ArrayList<>();

    @Inject
    ApiKeys(AuthConfig config) {
        this.config = config;
    }

    @PostConstruct
    void load() {
        config.apiKeys().forEach((name, key) -> {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String role : key.roles()) {
                roles.add(Role.valueOf(role.trim().toUpperCase(Locale.ROOT)));
            }
            keys.add(new Key(name, digest(key.key()), roles));
        });
        if (keys.isEmpty()) {
            LOG.warn("no API keys configured (pros.auth.api-keys): fine-tuning and head management refuse every call");
        }
    }

    /** The caller of {@code authorization} (an HTTP header or gRPC metadata value) if it may act as {@code role}. */
    public Caller require(String authorization, Role role) {
        Caller caller = authenticate(authorization);
        if (!caller.may(role)) {
            throw new ServingException(ErrorCode.PERMISSION_DENIED, "permission denied");
        }
        return caller;
    }

    public Caller authenticate(String authorization) {
        String token = bearer(authorization);
        byte[] presented = digest(token == null ? "" : token);
        Key match = null;
        for (Key key : keys) {
            // no early exit: every key is compared, whatever matched
            if (MessageDigest.isEqual(presented, key.digest()) && token != null) {
                match = key;
            }
        }
        if (match == null) {
            throw new ServingException(ErrorCode.UNAUTHENTICATED, "missing or invalid credential");
        }
        return new Caller(match.name(), match.roles());
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
