package io.prosface.server.finetune.jobs;

import io.prosface.server.finetune.store.Database;
import io.prosface.server.finetune.store.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Job records and their inputs in the database. Every state change is one conditional UPDATE (…WHERE state = …), so
 * replicas sharing the database never both claim a job, and a cancel racing with the end of a job has one winner.
 */
@ApplicationScoped
public class JobStore {

    private final Database database;

    @Inject
    JobStore(Database database) {
        this.database = database;
    }

    /** Stores a QUEUED job and its examples in one transaction. */
    public void insert(JobRecord job, byte[] dataset) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO finetune_job (id, state, "
                    + "head_name, head_kind, spec, backbone, train_examples, validation_examples, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, job.id());
                insert.setString(2, job.state().name());
                insert.setString(3, job.spec().headName());
                insert.setString(4, job.spec().kind().name());
                insert.setString(5, Database.json(job.spec()));
                insert.setString(6, job.backbone());
                insert.setInt(7, job.trainExamples());
                insert.setInt(8, job.validationExamples());
                insert.setTimestamp(9, Database.timestamp(job.createdAt()));
                insert.executeUpdate();
            }
            try (PreparedStatement input = connection.prepareStatement(
                    "INSERT INTO finetune_job_input (job_id, dataset, sha256) VALUES (?, ?, ?)")) {
                input.setString(1, job.id());
                input.setBytes(2, dataset);
                input.setString(3, Sha256.of(dataset));
                input.executeUpdate();
            }
            return null;
        });
    }

    public Optional<JobRecord> find(String id) {
        return database.transaction(connection -> find(connection, id));
    }

    Optional<JobRecord> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + JobRows.COLUMNS + " FROM finetune_job WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(JobRows.read(rows)) : Optional.empty();
            }
        }
    }

    /**
     * One page, newest first; {@code after} is the last job of the previous page (keyset paging: stable while jobs
     * are added).
     */
    public List<JobRecord> page(int size, JobRecord after, Set<JobState> states, String headName) {
        StringBuilder sql = new StringBuilder("SELECT " + JobRows.COLUMNS + " FROM finetune_job WHERE 1 = 1");
        List<Object> arguments = new ArrayList<>();
        if (after != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            arguments.add(Database.timestamp(after.createdAt()));
            arguments.add(Database.timestamp(after.createdAt()));
            arguments.add(after.id());
        }
        if (!states.isEmpty()) {
            sql.append(" AND state IN (")
                    .append(String.join(", ", states.stream().map(s -> "?").toList()))
                    .append(')');
            states.forEach(state -> arguments.add(state.name()));
        }
        if (headName != null && !headName.isEmpty()) {
            sql.append(" AND head_name = ?");
            arguments.add(headName);
        }
        sql.append(" ORDER BY created_at DESC, id DESC");
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < arguments.size(); i++) {
                    select.setObject(i + 1, arguments.get(i));
                }
                select.setMaxRows(size);
                List<JobRecord> jobs = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next() && jobs.size() < size) {
                        jobs.add(JobRows.read(rows));
                    }
                }
                return jobs;
            }
        });
    }

    public int countQueued() {
        return database.transaction(connection -> {
            try (PreparedStatement count =
                            connection.prepareStatement("SELECT COUNT(*) FROM finetune_job WHERE state = 'QUEUED'");
                    ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    /** Ids of QUEUED jobs, oldest first. */
    public List<String> queued(int limit) {
        return database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM finetune_job WHERE state = 'QUEUED' ORDER BY created_at, id")) {
                select.setMaxRows(limit);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    /** QUEUED -> RUNNING for {@code owner}; false when another replica (or a cancel) got there first. */
    public boolean claim(String id, String owner) {
        Instant now = Instant.now();
        return update(
                        "UPDATE finetune_job SET state = 'RUNNING', owner = ?, started_at = ?, heartbeat_at = ?, "
                                + "revision = revision + 1 WHERE id = ? AND state = 'QUEUED'",
                        owner,
                        Database.timestamp(now),
                        Database.timestamp(now),
                        id)
                == 1;
    }

    /** The stored examples of a job, checked against their SHA-256. */
    public byte[] input(String id) {
        return database.transaction(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT dataset, sha256 FROM finetune_job_input WHERE job_id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new IllegalStateException("the examples of job " + id + " are gone");
                    }
                    byte[] dataset = rows.getBytes(1);
                    if (!Sha256.of(dataset).equals(rows.getString(2))) {
                        throw new IllegalStateException("the stored examples of job " + id + " fail their checksum");
                    }
                    return dataset;
                }
            }
        });
    }

    /**
     * Progress of a RUNNING job (also its heartbeat), and its row of the metric history ({@link #history}) in the same
     * transaction: a later report in the same epoch replaces that epoch's row.
     */
    public void progress(
            String id,
            int epoch,
            int totalEpochs,
            long step,
            long totalSteps,
            Map<String, Double> train,
            Map<String, Double> validation) {
        Timestamp now = Database.timestamp(Instant.now());
        String trainJson = Database.json(train);
        String validationJson = Database.json(validation);
        database.transaction(connection -> {
            if (update(
                            connection,
                            "UPDATE finetune_job SET epoch = ?, total_epochs = ?, step = ?, total_steps = ?, "
                                    + "train_metrics = ?, validation_metrics = ?, heartbeat_at = ?, revision = revision + 1 "
                                    + "WHERE id = ? AND state = 'RUNNING'",
                            epoch,
                            totalEpochs,
                            step,
                            totalSteps,
                            trainJson,
                            validationJson,
                            now,
                            id)
                    == 0) {
                return null;
            }
            JobEpochs.record(connection, id, epoch, step, trainJson, validationJson, now);
            return null;
        });
    }

    /** The metric history of a job, by epoch (empty while it is queued); empty Optional when there is no such job. */
    public Optional<List<EpochMetrics>> history(String id) {
        return database.transaction(connection -> {
            if (find(connection, id).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(JobEpochs.read(connection, id));
        });
    }

    /** A sign of life of the replica running the job (see {@link #failStale}). */
    public void heartbeat(String id) {
        update(
                "UPDATE finetune_job SET heartbeat_at = ? WHERE id = ? AND state = 'RUNNING'",
                Database.timestamp(Instant.now()),
                id);
    }

    /** RUNNING -> QUEUED (its replica is shutting down): another replica, or this one after its restart, runs it. */
    public void requeue(String id) {
        database.transaction(connection -> {
            if (update(
                            connection,
                            "UPDATE finetune_job SET state = 'QUEUED', owner = NULL, started_at = NULL, "
                                    + "heartbeat_at = NULL, epoch = 0, step = 0, train_metrics = NULL, validation_metrics = NULL, "
                                    + "revision = revision + 1 WHERE id = ? AND state = 'RUNNING' AND cancel_requested = FALSE",
                            id)
                    == 1) {
                // the rerun starts from epoch 1: its history must not mix with this run's
                JobEpochs.clear(connection, id);
            }
            return null;
        });
    }

    public boolean cancelRequested(String id) {
        return database.transaction(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT cancel_requested FROM finetune_job WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() && rows.getBoolean(1);
                }
            }
        });
    }

    /** QUEUED -> CANCELLED at once (its inputs dropped in the same transaction); RUNNING gets a cancel request its
     * trainer sees at the next step. */
    public void requestCancel(String id, String reason) {
        Instant now = Instant.now();
        database.transaction(connection -> {
            try (PreparedStatement cancel = connection.prepareStatement("UPDATE finetune_job SET state = 'CANCELLED', "
                    + "error_message = ?, ended_at = ?, revision = revision + 1 WHERE id = ? AND state = 'QUEUED'")) {
                cancel.setString(1, reason);
                cancel.setTimestamp(2, Database.timestamp(now));
                cancel.setString(3, id);
                if (cancel.executeUpdate() == 1) {
                    try (PreparedStatement drop =
                            connection.prepareStatement("DELETE FROM finetune_job_input WHERE job_id = ?")) {
                        drop.setString(1, id);
                        drop.executeUpdate();
                    }
                }
            }
            return null;
        });
        update(
                "UPDATE finetune_job SET cancel_requested = TRUE, error_message = ?, revision = revision + 1 "
                        + "WHERE id = ? AND state = 'RUNNING' AND cancel_requested = FALSE",
                reason,
                id);
    }

    /** RUNNING -> FAILED or CANCELLED, inputs dropped; false when the job was no longer running. */
    public boolean end(String id, JobState state, String message) {
        return database.transaction(connection -> end(connection, id, state, message, null));
    }

    /** Ends a RUNNING job inside the caller's transaction (SUCCEEDED goes with the head's publication). */
    public boolean end(Connection connection, String id, JobState state, String message, Integer headVersion)
            throws SQLException {
        int changed;
        try (PreparedStatement update = connection.prepareStatement("UPDATE finetune_job SET state = ?, "
                + "error_message = ?, head_version = ?, ended_at = ?, revision = revision + 1 "
                + "WHERE id = ? AND state = 'RUNNING'")) {
            update.setString(1, state.name());
            update.setString(2, message);
            update.setObject(3, headVersion);
            update.setTimestamp(4, Database.timestamp(Instant.now()));
            update.setString(5, id);
            changed = update.executeUpdate();
        }
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM finetune_job_input WHERE job_id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
        return changed == 1;
    }

    /** Startup recovery: jobs RUNNING under this replica's name were cut off by its restart; they become FAILED. */
    public int failRestarted(String owner) {
        int failed = update(
                "UPDATE finetune_job SET state = 'FAILED', error_message = ?, ended_at = ?, "
                        + "revision = revision + 1 WHERE state = 'RUNNING' AND owner = ?",
                "interrupted: replica " + owner + " restarted while the job was running; upload it again",
                Database.timestamp(Instant.now()),
                owner);
        dropEndedInputs();
        return failed;
    }

    /** Jobs of any replica whose heartbeat is older than {@code staleBefore} lost their replica: FAILED. */
    public int failStale(Instant staleBefore) {
        int failed = update(
                "UPDATE finetune_job SET state = 'FAILED', error_message = ?, ended_at = ?, "
                        + "revision = revision + 1 WHERE state = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < ?)",
                "interrupted: the replica running the job stopped sending heartbeats; upload it again",
                Database.timestamp(Instant.now()),
                Database.timestamp(staleBefore));
        if (failed > 0) {
            dropEndedInputs();
        }
        return failed;
    }

    private void dropEndedInputs() {
        update("DELETE FROM finetune_job_input WHERE job_id IN (SELECT id FROM finetune_job WHERE state IN "
                + "('SUCCEEDED', 'FAILED', 'CANCELLED'))");
    }

    private int update(String sql, Object... arguments) {
        return database.transaction(connection -> update(connection, sql, arguments));
    }

    /** Runs one statement of {@code sql} with {@code arguments} in {@code connection}'s transaction. */
    static int update(Connection connection, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, arguments[i]);
            }
            return statement.executeUpdate();
        }
    }
}
