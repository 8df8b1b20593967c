-- A camera refused on the consent page is recorded before any attempt exists: the booking gets
-- one monitoring session of its own (attempt_id NULL, booking_id set, stopped at once) that
-- holds the critical webcam_disabled anomaly proctors are told about. The attempt, once started,
-- adopts it. SQLite cannot drop a NOT NULL in place: the table is rebuilt, with the foreign keys
-- that point at it deferred to the commit, by which time every row is back under the same ids.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE monitoring_sessions_copy AS SELECT * FROM monitoring_sessions;
DROP TABLE monitoring_sessions;
CREATE TABLE monitoring_sessions (
    id                TEXT    NOT NULL PRIMARY KEY,
    attempt_id        TEXT    REFERENCES attempts (id),
    exam_id           TEXT    NOT NULL REFERENCES exams (id),
    student_id        TEXT    NOT NULL REFERENCES users (id),
    status            TEXT    NOT NULL CHECK (status IN ('active', 'stopped')),
    active_key        TEXT    UNIQUE,
    started_at        INTEGER NOT NULL,
    stopped_at        INTEGER,
    stop_reason       TEXT,
    stop_note         TEXT,
    stopped_by        TEXT,
    frames            INTEGER NOT NULL DEFAULT 0,
    stored_frames     INTEGER NOT NULL DEFAULT 0,
    last_frame_at     INTEGER,
    last_seq          INTEGER,
    client_detector   INTEGER NOT NULL DEFAULT 1,
    rate_window_start INTEGER NOT NULL DEFAULT 0,
    rate_count        INTEGER NOT NULL DEFAULT 0,
    rule_state        TEXT    NOT NULL DEFAULT '{}',
    risk_score        INTEGER NOT NULL DEFAULT 0,
    reviewed_at       INTEGER,
    reviewed_by       TEXT,
    updated_at        INTEGER NOT NULL,
    picture_due_seq   INTEGER,
    frames_since_picture INTEGER NOT NULL DEFAULT 0,
    pictures_withheld INTEGER NOT NULL DEFAULT 0,
    inconsistent_frames INTEGER NOT NULL DEFAULT 0,
    clock_offset_ms   INTEGER,
    detection         TEXT,
    booking_id        TEXT    UNIQUE REFERENCES bookings (id)
);
INSERT INTO monitoring_sessions (id, attempt_id, exam_id, student_id, status, active_key, started_at, stopped_at,
    stop_reason, stop_note, stopped_by, frames, stored_frames, last_frame_at, last_seq, client_detector,
    rate_window_start, rate_count, rule_state, risk_score, reviewed_at, reviewed_by, updated_at,
    picture_due_seq, frames_since_picture, pictures_withheld, inconsistent_frames, clock_offset_ms, detection)
SELECT id, attempt_id, exam_id, student_id, status, active_key, started_at, stopped_at,
    stop_reason, stop_note, stopped_by, frames, stored_frames, last_frame_at, last_seq, client_detector,
    rate_window_start, rate_count, rule_state, risk_score, reviewed_at, reviewed_by, updated_at,
    picture_due_seq, frames_since_picture, pictures_withheld, inconsistent_frames, clock_offset_ms, detection
FROM monitoring_sessions_copy;
DROP TABLE monitoring_sessions_copy;
CREATE INDEX monitoring_sessions_status ON monitoring_sessions (status, last_frame_at);
CREATE INDEX monitoring_sessions_attempt ON monitoring_sessions (attempt_id, started_at);
CREATE INDEX monitoring_sessions_exam ON monitoring_sessions (exam_id, started_at);
CREATE INDEX monitoring_sessions_started ON monitoring_sessions (started_at);
CREATE INDEX monitoring_sessions_updated ON monitoring_sessions (updated_at);
