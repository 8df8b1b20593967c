-- Monitoring: one session per stretch of an attempt watched by the webcam, the stored frames,
-- the anomalies (with their verification and the proctor's review), and which proctors watch
-- which exams. Timestamps are UTC milliseconds.
CREATE TABLE monitoring_sessions (
    id                TEXT    NOT NULL PRIMARY KEY,
    attempt_id        TEXT    NOT NULL REFERENCES attempts (id),
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
    updated_at        INTEGER NOT NULL
);
CREATE INDEX monitoring_sessions_status ON monitoring_sessions (status, last_frame_at);
CREATE INDEX monitoring_sessions_attempt ON monitoring_sessions (attempt_id, started_at);
CREATE INDEX monitoring_sessions_exam ON monitoring_sessions (exam_id, started_at);
CREATE INDEX monitoring_sessions_started ON monitoring_sessions (started_at);
CREATE INDEX monitoring_sessions_updated ON monitoring_sessions (updated_at);

CREATE TABLE monitoring_frames (
    id            TEXT    NOT NULL PRIMARY KEY,
    session_id    TEXT    NOT NULL REFERENCES monitoring_sessions (id),
    n             INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    captured_at   INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    storage_key   TEXT,
    bytes         INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    client_result TEXT,
    flagged       INTEGER NOT NULL DEFAULT 0,
    verification  TEXT    NOT NULL CHECK (verification IN ('not_needed', 'queued', 'pending', 'done', 'failed')),
    claimed_until INTEGER,
    server_result TEXT,
    verified_at   INTEGER,
    verify_ms     INTEGER
);
CREATE INDEX monitoring_frames_session ON monitoring_frames (session_id, received_at);
CREATE INDEX monitoring_frames_verification ON monitoring_frames (verification, received_at);

CREATE TABLE monitoring_anomalies (
    id                  TEXT    NOT NULL PRIMARY KEY,
    session_id          TEXT    NOT NULL REFERENCES monitoring_sessions (id),
    exam_id             TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    severity            TEXT    NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    method              TEXT    NOT NULL CHECK (method IN ('rule', 'client', 'server_verified')),
    confidence_permille INTEGER NOT NULL,
    details             TEXT    NOT NULL DEFAULT '{}',
    frame_id            TEXT,
    started_at          INTEGER NOT NULL,
    detected_at         INTEGER NOT NULL,
    ended_at            INTEGER,
    verification        TEXT    NOT NULL CHECK (verification IN ('not_needed', 'pending', 'confirmed', 'rejected', 'unavailable')),
    review              TEXT    NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'confirmed', 'dismissed')),
    review_note         TEXT,
    reviewed_by         TEXT,
    reviewed_at         INTEGER,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX monitoring_anomalies_session ON monitoring_anomalies (session_id, detected_at);
CREATE INDEX monitoring_anomalies_detected ON monitoring_anomalies (detected_at);
CREATE INDEX monitoring_anomalies_frame ON monitoring_anomalies (frame_id);

CREATE TABLE exam_proctors (
    exam_id     TEXT    NOT NULL REFERENCES exams (id),
    proctor_id  TEXT    NOT NULL REFERENCES users (id),
    assigned_by TEXT    NOT NULL,
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (exam_id, proctor_id)
);
CREATE INDEX exam_proctors_proctor ON exam_proctors (proctor_id);
