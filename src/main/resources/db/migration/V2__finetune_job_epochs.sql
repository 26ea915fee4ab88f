-- Per-epoch metric history of a job, so a page that opens mid-job can draw its curves. Written with the job's
-- progress (same transaction); one row per epoch in which progress was reported (a later report in the same epoch
-- replaces the row); cleared when a job is requeued, dropped with its job.
-- Portable SQL, as V1: the same script runs on H2 (embedded default) and PostgreSQL (shared by replicas).

CREATE TABLE finetune_job_epoch (
    job_id              VARCHAR(64)   NOT NULL REFERENCES finetune_job (id) ON DELETE CASCADE,
    epoch               INTEGER       NOT NULL,   -- 1-based
    step                BIGINT        NOT NULL,   -- optimiser steps done when the metrics were taken
    train_metrics       VARCHAR(4000),            -- JSON object name -> number
    validation_metrics  VARCHAR(4000),
    recorded_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, epoch)
);
