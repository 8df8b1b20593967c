-- Batch analytics: every run of a job (scheduler, "run now" or command line) and the figures the
-- jobs load back for people to see. Timestamps are UTC milliseconds; rates and scores are
-- hundredths (7350 = 73.50 %). A re-run of a period replaces that period's rows.
CREATE TABLE batch_runs (
    id           TEXT    NOT NULL PRIMARY KEY,
    job          TEXT    NOT NULL CHECK (job IN ('daily-anomalies', 'weekly-grades', 'monthly-users')),
    period       TEXT    NOT NULL,
    trigger_kind TEXT    NOT NULL CHECK (trigger_kind IN ('schedule', 'manual', 'cli')),
    status       TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    rows_read    INTEGER NOT NULL DEFAULT 0,
    rows_written INTEGER NOT NULL DEFAULT 0,
    output       TEXT    NOT NULL DEFAULT '',
    error        TEXT
);
CREATE INDEX batch_runs_started ON batch_runs (started_at);
CREATE INDEX batch_runs_job ON batch_runs (job, status, started_at);

CREATE TABLE batch_question_difficulty (
    week_start              TEXT    NOT NULL,
    question_id             TEXT    NOT NULL,
    question_type           TEXT    NOT NULL,
    total_attempts          INTEGER NOT NULL,
    correct_count           INTEGER NOT NULL,
    correct_rate_hundredths INTEGER NOT NULL,
    avg_score_hundredths    INTEGER NOT NULL,
    difficulty              TEXT    NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    loaded_at               INTEGER NOT NULL,
    PRIMARY KEY (week_start, question_id)
);

CREATE TABLE batch_monthly_summary (
    report_month TEXT    NOT NULL,
    dimension    TEXT    NOT NULL CHECK (dimension IN ('tier', 'risk')),
    value        TEXT    NOT NULL,
    users        INTEGER NOT NULL,
    loaded_at    INTEGER NOT NULL,
    PRIMARY KEY (report_month, dimension, value)
);

CREATE TABLE batch_at_risk_users (
    report_month         TEXT    NOT NULL,
    user_id              TEXT    NOT NULL,
    total_exams          INTEGER NOT NULL,
    avg_score_hundredths INTEGER,
    performance_tier     TEXT    NOT NULL,
    risk_level           TEXT    NOT NULL,
    total_anomalies      INTEGER NOT NULL,
    critical_anomalies   INTEGER NOT NULL,
    loaded_at            INTEGER NOT NULL,
    PRIMARY KEY (report_month, user_id)
);
