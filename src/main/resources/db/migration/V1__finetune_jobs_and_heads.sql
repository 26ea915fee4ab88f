-- Few-shot fine-tuning: jobs, their uploaded examples, and the head versions they publish.
-- Portable SQL: the same script runs on H2 (embedded default) and PostgreSQL (shared by replicas).

CREATE TABLE finetune_job (
    id                  VARCHAR(64)   NOT NULL PRIMARY KEY,
    state               VARCHAR(16)   NOT NULL,   -- QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED
    head_name           VARCHAR(64)   NOT NULL,
    head_kind           VARCHAR(16)   NOT NULL,   -- core HeadKind: CLASSIFICATION, MULTILABEL, LANDMARKS, REGRESSION
    spec                VARCHAR(100000) NOT NULL, -- JSON: labels and training options as accepted
    backbone            VARCHAR(200)  NOT NULL,   -- served backbone when the upload was accepted
    head_version        INTEGER,                  -- set when SUCCEEDED
    epoch               INTEGER       NOT NULL DEFAULT 0,
    total_epochs        INTEGER       NOT NULL DEFAULT 0,
    step                BIGINT        NOT NULL DEFAULT 0,
    total_steps         BIGINT        NOT NULL DEFAULT 0,
    train_metrics       VARCHAR(4000),            -- JSON object name -> number
    validation_metrics  VARCHAR(4000),
    train_examples      INTEGER       NOT NULL,
    validation_examples INTEGER       NOT NULL,
    error_message       VARCHAR(2000),
    cancel_requested    BOOLEAN       NOT NULL DEFAULT FALSE,
    owner               VARCHAR(200),             -- replica running it
    heartbeat_at        TIMESTAMP WITH TIME ZONE, -- last sign of life of that replica for this job
    revision            BIGINT        NOT NULL DEFAULT 0, -- +1 on every change; watchers compare it
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    ended_at            TIMESTAMP WITH TIME ZONE
);

CREATE INDEX finetune_job_by_creation ON finetune_job (created_at, id);
CREATE INDEX finetune_job_by_state ON finetune_job (state);

-- The validated examples of a job (a zip: images plus labels.json), removed when the job ends.
CREATE TABLE finetune_job_input (
    job_id   VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES finetune_job (id) ON DELETE CASCADE,
    dataset  BYTEA       NOT NULL,
    sha256   VARCHAR(64) NOT NULL
);

-- One row per head version ever allocated; deleted versions keep their row (without bytes) so numbers are never reused.
-- Replicas load only rows with published = TRUE, which is set last, in the same transaction that ends the job.
CREATE TABLE head_version (
    name               VARCHAR(64)   NOT NULL,
    version            INTEGER       NOT NULL,
    kind               VARCHAR(16)   NOT NULL,
    labels             VARCHAR(100000) NOT NULL, -- JSON array, output order
    backbone           VARCHAR(200)  NOT NULL,   -- backbone identity (weights SHA-256 when known)
    job_id             VARCHAR(64),
    validation_metrics VARCHAR(4000),
    artifact           BYTEA,                    -- zip of the core HeadArtifact directory
    artifact_sha256    VARCHAR(64),
    published          BOOLEAN       NOT NULL DEFAULT FALSE,
    deleted            BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version)
);

-- The current version of each name (the one a name-only selector gets); changed by promotion.
CREATE TABLE head_name (
    name            VARCHAR(64) NOT NULL PRIMARY KEY,
    current_version INTEGER     NOT NULL
);
