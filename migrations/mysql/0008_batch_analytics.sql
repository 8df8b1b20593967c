-- Batch analytics: every run of a job (scheduler, "run now" or command line) and the figures the
-- jobs load back for people to see. Timestamps are UTC milliseconds; rates and scores are
-- hundredths (7350 = 73.50 %). A re-run of a period replaces that period's rows.
CREATE TABLE batch_runs (
    id           CHAR(36)     NOT NULL PRIMARY KEY,
    job          VARCHAR(32)  NOT NULL,
    period       VARCHAR(16)  NOT NULL,
    trigger_kind VARCHAR(16)  NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    started_at   BIGINT       NOT NULL,
    finished_at  BIGINT       NULL,
    rows_read    BIGINT       NOT NULL DEFAULT 0,
    rows_written BIGINT       NOT NULL DEFAULT 0,
    output       VARCHAR(500) NOT NULL DEFAULT '',
    error        TEXT         NULL,
    CONSTRAINT batch_runs_job_check CHECK (job IN ('daily-anomalies', 'weekly-grades', 'monthly-users')),
    CONSTRAINT batch_runs_trigger_check CHECK (trigger_kind IN ('schedule', 'manual', 'cli')),
    CONSTRAINT batch_runs_status_check CHECK (status IN ('running', 'succeeded', 'failed')),
    INDEX batch_runs_started (started_at),
    INDEX batch_runs_job (job, status, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE batch_question_difficulty (
    week_start              CHAR(10)    NOT NULL,
    question_id             CHAR(36)    NOT NULL,
    question_type           VARCHAR(32) NOT NULL,
    total_attempts          BIGINT      NOT NULL,
    correct_count           BIGINT      NOT NULL,
    correct_rate_hundredths BIGINT      NOT NULL,
    avg_score_hundredths    BIGINT      NOT NULL,
    difficulty              VARCHAR(16) NOT NULL,
    loaded_at               BIGINT      NOT NULL,
    PRIMARY KEY (week_start, question_id),
    CONSTRAINT batch_question_difficulty_check CHECK (difficulty IN ('easy', 'medium', 'hard'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE batch_monthly_summary (
    report_month CHAR(7)     NOT NULL,
    dimension    VARCHAR(8)  NOT NULL,
    value        VARCHAR(32) NOT NULL,
    users        BIGINT      NOT NULL,
    loaded_at    BIGINT      NOT NULL,
    PRIMARY KEY (report_month, dimension, value),
    CONSTRAINT batch_monthly_summary_check CHECK (dimension IN ('tier', 'risk'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE batch_at_risk_users (
    report_month         CHAR(7)     NOT NULL,
    user_id              CHAR(36)    NOT NULL,
    total_exams          BIGINT      NOT NULL,
    avg_score_hundredths BIGINT      NULL,
    performance_tier     VARCHAR(32) NOT NULL,
    risk_level           VARCHAR(16) NOT NULL,
    total_anomalies      BIGINT      NOT NULL,
    critical_anomalies   BIGINT      NOT NULL,
    loaded_at            BIGINT      NOT NULL,
    PRIMARY KEY (report_month, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
