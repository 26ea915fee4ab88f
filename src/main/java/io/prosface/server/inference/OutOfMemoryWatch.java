package io.prosface.server.inference;

import io.prosface.server.config.HealthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Remembers the OutOfMemoryErrors the server caught while serving (preparing an image, running a batch, training a
 * job), for the readiness and liveness checks. Catching them keeps every request answered, but the JVM that threw
 * one is suspect: readiness goes DOWN for {@code pros.health.out-of-memory-cooldown} after each, and liveness goes
 * DOWN while {@code out-of-memory-restart-after} of them fall within {@code out-of-memory-window}.
 *
 * <p>{@link #record} runs right after an allocation failed: it allocates nothing but one boxed timestamp, and builds
 * no text (the checks do that when asked).
 */
@ApplicationScoped
public class OutOfMemoryWatch {

    private static final Logger LOG = Logger.getLogger(OutOfMemoryWatch.class);

    /** The last error, as the checks show it. */
    public record Incident(String where, String message, long nanoTime, int inWindow, long total) {}

    private final HealthConfig config;

    /** System.nanoTime() of each error within the window, oldest first. */
    private final ArrayDeque<Long> recent = new ArrayDeque<>();

    private String lastWhere;
    private String lastMessage;
    private long lastNanos;
    private long total;

    @Inject
    OutOfMemoryWatch(HealthConfig config) {
        this.config = config;
    }

    /** {@code where}: a constant phrase such as "while preparing an image". */
    public void record(String where, OutOfMemoryError error) {
        long now = System.nanoTime();
        synchronized (this) {
            prune(now);
            recent.addLast(now);
            lastWhere = where;
            lastMessage = error.getMessage();
            lastNanos = now;
            total++;
        }
        LOG.warnf(
                "OutOfMemoryError %s (%s): readiness DOWN for %s%s",
                where,
                error.getMessage(),
                config.outOfMemoryCooldown(),
                restartDue() ? "; liveness DOWN: restart due" : "");
    }

    /** The last error, if there was one. */
    public synchronized Optional<Incident> last() {
        if (total == 0) {
            return Optional.empty();
        }
        prune(System.nanoTime());
        return Optional.of(new Incident(lastWhere, lastMessage, lastNanos, recent.size(), total));
    }

    /** Nanoseconds until readiness may be UP again (0: not cooling down). */
    public synchronized long cooldownLeftNanos() {
        if (total == 0) {
            return 0;
        }
        long left = config.outOfMemoryCooldown().toNanos() - (System.nanoTime() - lastNanos);
        return Math.max(0, left);
    }

    /** True while the errors within the window reach {@code out-of-memory-restart-after} (and that is not 0). */
    public synchronized boolean restartDue() {
        prune(System.nanoTime());
        int limit = config.outOfMemoryRestartAfter();
        return limit > 0 && recent.size() >= limit;
    }

    private void prune(long now) {
        long window = config.outOfMemoryWindow().toNanos();
        while (!recent.isEmpty() && now - recent.peekFirst() > window) {
            recent.removeFirst();
        }
    }
}
