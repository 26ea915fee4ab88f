package io.prosface.server.finetune.jobs;

import io.prosface.server.finetune.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The metric history of jobs: their finetune_job_epoch rows, one per epoch, written with each progress report, read
 * for GET /v1/finetune/jobs/{id}/metrics and cleared when a job is requeued. Every method works in the caller's
 * transaction ({@link JobStore} opens it).
 */
final class JobEpochs {

    private JobEpochs() {}

    /** Writes {@code epoch}'s row of job {@code id}: a later report in the same epoch replaces that epoch's row. */
    static void record(
            Connection connection,
            String id,
            int epoch,
            long step,
            String trainJson,
            String validationJson,
            Timestamp now)
            throws SQLException {
        // only the job's own replica writes its rows (it holds the RUNNING claim): no insert race to guard
        if (JobStore.update(
                        connection,
                        "UPDATE finetune_job_epoch SET step = ?, train_metrics = ?, validation_metrics = ?, "
                                + "recorded_at = ? WHERE job_id = ? AND epoch = ?",
                        step,
                        trainJson,
                        validationJson,
                        now,
                        id,
                        epoch)
                == 0) {
            JobStore.update(
                    connection,
                    "INSERT INTO finetune_job_epoch (job_id, epoch, step, train_metrics, "
                            + "validation_metrics, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                    id,
                    epoch,
                    step,
                    trainJson,
                    validationJson,
                    now);
        }
    }

    /** The rows of job {@code id}, by epoch. */
    static List<EpochMetrics> read(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT epoch, step, train_metrics, "
                + "validation_metrics, recorded_at FROM finetune_job_epoch WHERE job_id = ? ORDER BY epoch")) {
            select.setString(1, id);
            List<EpochMetrics> epochs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    epochs.add(new EpochMetrics(
                            rows.getInt(1),
                            rows.getLong(2),
                            Database.metrics(rows.getString(3)),
                            Database.metrics(rows.getString(4)),
                            Database.instant(rows.getTimestamp(5))));
                }
            }
            return List.copyOf(epochs);
        }
    }

    /** Drops the rows of job {@code id} (it was requeued: its rerun starts a new history). */
    static void clear(Connection connection, String id) throws SQLException {
        JobStore.update(connection, "DELETE FROM finetune_job_epoch WHERE job_id = ?", id);
    }
}
