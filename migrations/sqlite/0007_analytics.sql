-- Analytics and health: background workers' heartbeats (read by the admin dashboard's health
-- panel) and indexes for the reports' date ranges. Timestamps are UTC milliseconds.
CREATE TABLE worker_heartbeats (
    worker     TEXT    NOT NULL PRIMARY KEY,
    beat_at    INTEGER NOT NULL,
    every_ms   INTEGER NOT NULL,
    host       TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX attempts_submitted ON attempts (status, submitted_at, id);
CREATE INDEX attempts_student_graded ON attempts (student_id, grading_status);
