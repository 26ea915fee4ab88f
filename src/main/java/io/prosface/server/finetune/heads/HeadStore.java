package io.prosface.server.finetune.heads;

import io.prosface.core.model.HeadKind;
import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import io.prosface.server.finetune.store.Database;
import io.prosface.server.finetune.store.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Head artifacts in the database. Publication is two transactions: the first stores the artifact bytes with their
 * SHA-256 under a new version number, unpublished (invisible to every replica); the second flips {@code published}
 * and ends the job SUCCEEDED together, so a replica sees either no head and a running job, or a complete, checksummed
 * head and a succeeded job. Replicas verify the checksum again when they load the bytes.
 */
@ApplicationScoped
public class HeadStore {

    /** A stored artifact and the checksum it was stored with. */
    public record Artifact(byte[] bytes, String sha256) {}

    private final Database database;

    @Inject
    HeadStore(Database database) {
        this.database = database;
    }

    /** The version the next publication of {@code name} would get (versions are never reused). */
    public int nextVersion(String name) {
        return database.transaction(connection -> nextVersion(connection, name));
    }

    private static int nextVersion(Connection connection, String name) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT MAX(version) FROM head_version WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1) + 1;
            }
        }
    }

    /** Step 1: the bytes, unpublished. Fails (duplicate key) when another replica took the version meanwhile. */
    public void stage(HeadRecord head, byte[] artifact) {
        database.transaction(connection -> {
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO head_version (name, version, kind, "
                            + "labels, backbone, job_id, validation_metrics, artifact, artifact_sha256, published, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)")) {
                insert.setString(1, head.name());
                insert.setInt(2, head.version());
                insert.setString(3, head.kind().name());
                insert.setString(4, Database.json(head.labels()));
                insert.setString(5, head.backbone());
                insert.setString(6, head.jobId());
                insert.setString(7, Database.json(head.validationMetrics()));
                insert.setBytes(8, artifact);
                insert.setString(9, Sha256.of(artifact));
                insert.setTimestamp(10, Database.timestamp(head.createdAt()));
                insert.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Step 2, last: publishes the staged version in the same transaction as {@code first} (the job's end, SUCCEEDED);
     * makes it current when asked or when the name has none. False (and nothing published) when {@code first} says
     * no, e.g. the job stopped running meanwhile (cancelled); the staged row is then removed.
     */
    public boolean publish(String name, int version, boolean makeCurrent, Database.Work<Boolean> first) {
        boolean published = database.transaction(connection -> {
            if (!first.run(connection)) {
                return false;
            }
            execute(
                    connection,
                    "UPDATE head_version SET published = TRUE WHERE name = ? AND version = ?",
                    name,
                    version);
            boolean hasCurrent = currentVersion(connection, name) != null;
            if (makeCurrent || !hasCurrent) {
                setCurrent(connection, name, version, hasCurrent);
            }
            return true;
        });
        if (!published) {
            database.transaction(connection -> execute(
                    connection,
                    "DELETE FROM head_version WHERE name = ? AND version = ? AND published = FALSE",
                    name,
                    version));
        }
        return published;
    }

    /** Every published, not deleted version, by name then newest first. */
    public List<HeadRecord> published() {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT v.name, v.version, v.kind, v.labels, "
                            + "v.backbone, v.job_id, v.validation_metrics, v.created_at, n.current_version FROM head_version v "
                            + "LEFT JOIN head_name n ON n.name = v.name WHERE v.published = TRUE AND v.deleted = FALSE "
                            + "ORDER BY v.name, v.version DESC");
                    ResultSet rows = select.executeQuery()) {
                List<HeadRecord> heads = new ArrayList<>();
                while (rows.next()) {
                    int version = rows.getInt("version");
                    Object current = rows.getObject("current_version");
                    heads.add(new HeadRecord(
                            rows.getString("name"),
                            version,
                            HeadKind.valueOf(rows.getString("kind")),
                            Database.labels(rows.getString("labels")),
                            rows.getString("backbone"),
                            rows.getString("job_id"),
                            Database.metrics(rows.getString("validation_metrics")),
                            current != null && ((Number) current).intValue() == version,
                            Database.instant(rows.getTimestamp("created_at"))));
                }
                return heads;
            }
        });
    }

    /** The bytes of a published version, checked against the stored SHA-256. */
    public Artifact artifact(String name, int version) {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT artifact, artifact_sha256 FROM "
                    + "head_version WHERE name = ? AND version = ? AND published = TRUE AND deleted = FALSE")) {
                select.setString(1, name);
                select.setInt(2, version);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw ServingException.notFound("head " + name + "@v" + version + " is not stored");
                    }
                    byte[] bytes = rows.getBytes(1);
                    String sha = rows.getString(2);
                    if (!Sha256.of(bytes).equals(sha)) {
                        throw new IllegalStateException(
                                "head " + name + "@v" + version + ": stored artifact fails its SHA-256 check");
                    }
                    return new Artifact(bytes, sha);
                }
            }
        });
    }

    /** Makes a published version current for its name. NOT_FOUND for unknown versions. */
    public void promote(String name, int version) {
        database.transaction(connection -> {
            if (!isLive(connection, name, version)) {
                throw ServingException.notFound("no head " + name + "@v" + version);
            }
            setCurrent(connection, name, version, currentVersion(connection, name) != null);
            return null;
        });
    }

    /**
     * Deletes a published version (its row stays, without bytes, so the number is never reused). The current version
     * can only go when it is the name's last one (FAILED_PRECONDITION otherwise: promote another first).
     */
    public void delete(String name, int version) {
        database.transaction(connection -> {
            if (!isLive(connection, name, version)) {
                throw ServingException.notFound("no head " + name + "@v" + version);
            }
            Integer current = currentVersion(connection, name);
            if (current != null && current == version) {
                if (liveVersions(connection, name) > 1) {
                    throw new ServingException(
                            ErrorCode.FAILED_PRECONDITION,
                            "head " + name + "@v" + version + " is the current version; promote another version first");
                }
                execute(connection, "DELETE FROM head_name WHERE name = ?", name);
            }
            execute(
                    connection,
                    "UPDATE head_version SET deleted = TRUE, artifact = NULL WHERE name = ? AND version = ?",
                    name,
                    version);
            return null;
        });
    }

    private static boolean isLive(Connection connection, String name, int version) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM head_version WHERE name = ? "
                + "AND version = ? AND published = TRUE AND deleted = FALSE")) {
            select.setString(1, name);
            select.setInt(2, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static int liveVersions(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM head_version WHERE name = ? " + "AND published = TRUE AND deleted = FALSE")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static Integer currentVersion(Connection connection, String name) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT current_version FROM head_name WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    private static void setCurrent(Connection connection, String name, int version, boolean exists)
            throws SQLException {
        execute(
                connection,
                exists
                        ? "UPDATE head_name SET current_version = ? WHERE name = ?"
                        : "INSERT INTO head_name (current_version, name) VALUES (?, ?)",
                version,
                name);
    }

    private static Object execute(Connection connection, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, arguments[i]);
            }
            statement.executeUpdate();
        }
        return null;
    }

    /** Row counts for tests and metrics: jobs, job inputs, head versions. */
    public Map<String, Long> counts() {
        return database.transaction(connection -> Map.of(
                "finetune_job", count(connection, "finetune_job"),
                "finetune_job_input", count(connection, "finetune_job_input"),
                "head_version", count(connection, "head_version"),
                "head_name", count(connection, "head_name")));
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
