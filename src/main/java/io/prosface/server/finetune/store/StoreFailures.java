package io.prosface.server.finetune.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * Why the fine-tuning store failed, in words that are safe to show in {@code /q/health}. The drivers' and Flyway's
 * own messages name the database file, the JDBC URL (host, port, database) and the user ("Unable to obtain connection
 * from database (jdbc:h2:file:/srv/data/prosface...) for user 'pros'"), which the health endpoint, often reachable by
 * anyone who can reach the pod, must not show. So the reason is built only from the error's kind and its codes
 * (SQLState, the vendor's error number); the full message goes to the server log ({@link Database}).
 */
final class StoreFailures {

    /** H2's error numbers (org.h2.api.ErrorCode) worth a sentence of their own. */
    private static final int H2_FILE_CORRUPTED = 90030;

    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    private static final int H2_IO_EXCEPTION = 90028;
    private static final int H2_FILE_VERSION = 90048;
    private static final int H2_WRONG_USER_OR_PASSWORD = 28000;
    private static final int H2_CALLED_AT_SHUTDOWN = 90121;

    private StoreFailures() {}

    /** One line without paths, URLs or names: what went wrong, plus the codes an operator can look up. */
    static String describe(Throwable failure) {
        SQLException sql = firstSqlException(failure);
        if (sql == null) {
            String kind = failure.getClass().getSimpleName();
            return kind.toLowerCase(Locale.ROOT).contains("flyway")
                    ? "the schema migration failed (" + kind + "); details in the server log"
                    : "the store failed (" + kind + "); details in the server log";
        }
        return what(sql) + " (SQLState " + (sql.getSQLState() == null ? "none" : sql.getSQLState()) + ", error "
                + sql.getErrorCode() + "); details in the server log";
    }

    private static String what(SQLException sql) {
        switch (sql.getErrorCode()) {
            case H2_FILE_CORRUPTED:
                return "the database file is corrupt";
            case H2_DATABASE_ALREADY_OPEN:
                return "the database file is locked by another process";
            case H2_IO_EXCEPTION:
                return "the database file cannot be read or written";
            case H2_FILE_VERSION:
                return "the database file was written by an incompatible H2 version";
            case H2_WRONG_USER_OR_PASSWORD:
                return "the database refused the credentials";
            case H2_CALLED_AT_SHUTDOWN:
                return "the database was closed while the server exits";
            default:
                break;
        }
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.startsWith("08") || sql instanceof SQLTransientConnectionException) {
            return "cannot connect to the database";
        }
        if (state.startsWith("28")) {
            return "the database refused the credentials";
        }
        if (state.equals("3D000")) {
            return "the database does not exist";
        }
        if (state.startsWith("42")) {
            return "the schema does not match (a missing table or column)";
        }
        if (state.startsWith("53")) {
            return "the database is out of resources (disk, memory or connections)";
        }
        return "a database error";
    }

    /** The deepest SQLException in the cause chain: the driver's own, under Flyway's and Agroal's wrappers. */
    private static SQLException firstSqlException(Throwable failure) {
        SQLException found = null;
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 20; cause = cause.getCause(), depth++) {
            if (cause instanceof SQLException sql) {
                found = sql;
            }
        }
        return found;
    }
}
