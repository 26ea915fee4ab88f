package io.prosface.server.finetune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.prosface.server.config.FineTuneConfig;
import io.quarkus.agroal.DataSource.DataSourceLiteral;
import io.quarkus.arc.Arc;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job and head store's connection: the datasource named by {@code pros.finetune.datasource} (the only active
 * one: H2 by default, PostgreSQL in the {@code postgres} profile), plus transactions and JSON columns.
 */
@ApplicationScoped
public class Database {

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    FineTuneConfig config;

    private AgroalDataSource dataSource;

    @PostConstruct
    void connect() {
        dataSource = Arc.container().select(AgroalDataSource.class, new DataSourceLiteral(config.datasource())).get();
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException failure) {
                connection.rollback();
                throw failure;
            }
        } catch (SQLException failure) {
            throw new StoreException("database: " + failure.getMessage(), failure);
        }
    }

    /** A database failure (a bug or an outage, never the client's fault). */
    public static final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    static Map<String, Double> metrics(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, Double>>() {}));
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("stored metrics are not JSON: " + json, corrupt);
        }
    }

    static List<String> labels(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("stored labels are not JSON: " + json, corrupt);
        }
    }

    static TaskSpec spec(String json) {
        try {
            return JSON.readValue(json, TaskSpec.class);
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("stored job spec is not JSON: " + json, corrupt);
        }
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
