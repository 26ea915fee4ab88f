package io.prosface.server.finetune.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.prosface.server.config.FineTuneConfig;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.upload.TaskSpec;
import io.quarkus.agroal.DataSource.DataSourceLiteral;
import io.quarkus.arc.Arc;
import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The job and head store's connection: the datasource named by {@code pros.finetune.datasource} (the only active
 * one: H2 by default, PostgreSQL in the {@code postgres} profile), plus transactions and JSON columns.
 *
 * <p>Predictions never depend on this store, so a store that cannot be opened (a corrupt H2 file, PostgreSQL down)
 * must not stop the server: the schema is migrated here at start (not by Flyway's migrate-at-start, whose failure
 * aborts the start), a failure is remembered and retried on the next use, and every fine-tuning call meanwhile
 * answers 503 ({@link StoreException}). The {@code fine-tuning-store} health check reports it.
 */
@ApplicationScoped
public class Database {

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = Logger.getLogger(Database.class);

    private final FineTuneConfig config;
    private final Instance<Flyway> flyways;

    private AgroalDataSource dataSource;
    private volatile boolean migrated;
    /** Why the store cannot be used, as last seen, in the database's own words (logs only); null while it works. */
    private volatile String problem = "not opened yet";
    /** The same, as {@link StoreFailures} says it without paths, URLs or user names (health output). */
    private volatile String publicProblem = "not opened yet";

    /** Set when the JVM begins to exit: a store closed under a last poll is then expected, not an outage. */
    private volatile boolean exiting;

    @Inject
    Database(FineTuneConfig config, @Any Instance<Flyway> flyways) {
        this.config = config;
        this.flyways = flyways;
    }

    @PostConstruct
    void connect() {
        dataSource = Arc.container()
                .select(AgroalDataSource.class, new DataSourceLiteral(config.datasource()))
                .get();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> exiting = true, "pros-finetune-store-exit"));
    }

    /** Before the job executor's recovery; a failure is logged and leaves the server up (predictions only). */
    void onStart(@Observes @Priority(15) StartupEvent event) {
        if (open()) {
            LOG.infof("fine-tuning store: datasource %s ready", config.datasource());
        }
    }

    /** Migrates the schema once; true when that has succeeded (now or before), false with {@link #problem()} set. */
    public synchronized boolean open() {
        if (migrated) {
            return true;
        }
        try {
            flyways.select(FlywayDataSource.FlywayDataSourceLiteral.of(config.datasource()))
                    .get()
                    .migrate();
            migrated = true;
            problem = null;
            publicProblem = null;
            return true;
        } catch (RuntimeException failure) {
            failed(failure);
            return false;
        }
    }

    /** Why fine-tuning cannot use the store now (the last failure seen, for the log), empty while it works. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /**
     * Opens the store and reads the job table: empty when that works, else why it does not, in words safe to show
     * in {@code /q/health} ({@link StoreFailures}: no file path, JDBC URL or user name; the full text is logged).
     */
    public Optional<String> check() {
        try {
            transaction(connection -> connection
                    .createStatement()
                    .executeQuery("SELECT COUNT(*) FROM finetune_job WHERE 1 = 0")
                    .next());
        } catch (StoreException failure) {
            return Optional.ofNullable(publicProblem).or(() -> Optional.of("fine-tuning store unavailable"));
        }
        return Optional.empty();
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Work<T> work) {
        if (!open()) {
            throw new StoreException(problem);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                problem = null;
                publicProblem = null;
                return result;
            } catch (SQLException | RuntimeException failure) {
                connection.rollback();
                throw failure;
            }
        } catch (SQLException failure) {
            failed(failure);
            throw new StoreException("database: " + failure.getMessage());
        }
    }

    private void failed(Exception failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (exiting || closedAtExit(failure)) {
            // the embedded database closes in its own JVM shutdown hook, possibly under a poll still running
            LOG.debugf(
                    "fine-tuning store (datasource %s) used while the server exits: %s", config.datasource(), reason);
        } else if (!reason.equals(problem) && !Thread.currentThread().isInterrupted()) {
            LOG.errorf(
                    failure,
                    "fine-tuning store (datasource %s) cannot be used; predictions go on",
                    config.datasource());
        }
        problem = reason;
        publicProblem = StoreFailures.describe(failure);
    }

    /** H2's DATABASE_CALLED_AT_SHUTDOWN (90121): the JVM is exiting and H2 has already closed the file. */
    private static boolean closedAtExit(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == H2_CALLED_AT_SHUTDOWN) {
                return true;
            }
        }
        return false;
    }

    private static final int H2_CALLED_AT_SHUTDOWN = 90121;

    /**
     * The store failed (an outage, a corrupt file, a bug; never the client's fault): 503 for the caller, whose
     * answer names the fine-tuning store but not its internals; the detail goes to the log and the health check.
     */
    public static final class StoreException extends ServingException {
        private final String detail;

        public StoreException(String detail) {
            super(
                    ErrorCode.UNAVAILABLE,
                    "fine-tuning store unavailable (predictions are not affected): see the "
                            + "server log and the fine-tuning-store health check",
                    null);
            this.detail = detail;
        }

        /** The database's own words (for logs, never for clients). */
        public String detail() {
            return detail;
        }
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public static Map<String, Double> metrics(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, Double>>() {}));
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("stored metrics are not JSON: " + json, corrupt);
        }
    }

    public static List<String> labels(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("stored labels are not JSON: " + json, corrupt);
        }
    }

    public static TaskSpec spec(String json) {
        try {
            return JSON.readValue(json, TaskSpec.class);
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("stored job spec is not JSON: " + json, corrupt);
        }
    }

    public static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    public static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
