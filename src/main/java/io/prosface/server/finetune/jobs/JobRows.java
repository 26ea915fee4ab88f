package io.prosface.server.finetune.jobs;

import io.prosface.server.finetune.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The finetune_job columns a {@link JobRecord} is read from, and the reading of one row into it. */
final class JobRows {

    /** The columns {@link #read} needs, for a SELECT list. */
    static final String COLUMNS = "id, state, spec, backbone, head_version, epoch, total_epochs, step, "
            + "total_steps, train_metrics, validation_metrics, train_examples, validation_examples, error_message, "
            + "cancel_requested, owner, revision, created_at, started_at, ended_at";

    private JobRows() {}

    /** The job of the current row of {@code rows} (selected with {@link #COLUMNS}). */
    static JobRecord read(ResultSet rows) throws SQLException {
        Object version = rows.getObject("head_version");
        return new JobRecord(
                rows.getString("id"),
                JobState.valueOf(rows.getString("state")),
                Database.spec(rows.getString("spec")),
                rows.getString("backbone"),
                version == null ? null : ((Number) version).intValue(),
                rows.getInt("epoch"),
                rows.getInt("total_epochs"),
                rows.getLong("step"),
                rows.getLong("total_steps"),
                Database.metrics(rows.getString("train_metrics")),
                Database.metrics(rows.getString("validation_metrics")),
                rows.getInt("train_examples"),
                rows.getInt("validation_examples"),
                rows.getString("error_message"),
                rows.getBoolean("cancel_requested"),
                rows.getString("owner"),
                rows.getLong("revision"),
                Database.instant(rows.getTimestamp("created_at")),
                Database.instant(rows.getTimestamp("started_at")),
                Database.instant(rows.getTimestamp("ended_at")));
    }
}
