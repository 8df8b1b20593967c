-- Exams in full: settings, questions with their keys, accommodations, bookings, attempts,
-- answers, attempt events, and the transactional outbox.

ALTER TABLE exams ADD COLUMN pass_mark_percent INTEGER NOT NULL DEFAULT 60;
ALTER TABLE exams ADD COLUMN shuffle_questions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exams ADD COLUMN shuffle_options INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exams ADD COLUMN release_mode TEXT NOT NULL DEFAULT 'immediate';
ALTER TABLE exams ADD COLUMN results_released_at INTEGER;

ALTER TABLE exam_slots ADD COLUMN booked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exam_slots ADD COLUMN cancelled_at INTEGER;

CREATE TABLE questions (
    id                TEXT    NOT NULL PRIMARY KEY,
    exam_id           TEXT    NOT NULL REFERENCES exams (id),
    position          INTEGER NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('mcq', 'true_false', 'short_answer', 'essay')),
    prompt            TEXT    NOT NULL,
    options           TEXT    NOT NULL DEFAULT '[]',
    answer_key        TEXT    NOT NULL DEFAULT 'null',
    points_hundredths INTEGER NOT NULL CHECK (points_hundredths > 0),
    partial_credit    INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    deleted_at        INTEGER
);
CREATE INDEX questions_exam ON questions (exam_id, deleted_at, position);

CREATE TABLE accommodations (
    exam_id       TEXT    NOT NULL REFERENCES exams (id),
    student_id    TEXT    NOT NULL REFERENCES users (id),
    extra_minutes INTEGER NOT NULL DEFAULT 0,
    extra_percent INTEGER NOT NULL DEFAULT 0,
    note          TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (exam_id, student_id)
);

CREATE TABLE bookings (
    id            TEXT    NOT NULL PRIMARY KEY,
    exam_id       TEXT    NOT NULL REFERENCES exams (id),
    slot_id       TEXT    NOT NULL REFERENCES exam_slots (id),
    student_id    TEXT    NOT NULL REFERENCES users (id),
    status        TEXT    NOT NULL CHECK (status IN ('active', 'cancelled')),
    active_key    TEXT    UNIQUE,
    created_at    INTEGER NOT NULL,
    cancelled_at  INTEGER,
    cancel_reason TEXT
);
CREATE INDEX bookings_student ON bookings (student_id, status);
CREATE INDEX bookings_slot ON bookings (slot_id, status);

CREATE TABLE attempts (
    id                   TEXT    NOT NULL PRIMARY KEY,
    booking_id           TEXT    NOT NULL UNIQUE REFERENCES bookings (id),
    exam_id              TEXT    NOT NULL REFERENCES exams (id),
    student_id           TEXT    NOT NULL REFERENCES users (id),
    status               TEXT    NOT NULL CHECK (status IN ('in_progress', 'submitted')),
    started_at           INTEGER NOT NULL,
    deadline_at          INTEGER NOT NULL,
    submitted_at         INTEGER,
    submit_reason        TEXT,
    question_order       TEXT    NOT NULL,
    option_orders        TEXT    NOT NULL,
    grading_status       TEXT    NOT NULL DEFAULT 'pending' CHECK (grading_status IN ('pending', 'graded')),
    score_hundredths     INTEGER,
    max_score_hundredths INTEGER NOT NULL,
    passed               INTEGER,
    graded_at            INTEGER
);
CREATE INDEX attempts_deadline ON attempts (status, deadline_at);
CREATE INDEX attempts_exam ON attempts (exam_id, status);
CREATE INDEX attempts_student ON attempts (student_id);

CREATE TABLE answers (
    attempt_id       TEXT    NOT NULL REFERENCES attempts (id),
    question_id      TEXT    NOT NULL REFERENCES questions (id),
    response         TEXT    NOT NULL,
    saved_at         INTEGER NOT NULL,
    score_hundredths INTEGER,
    graded_by        TEXT,
    comment          TEXT    NOT NULL DEFAULT '',
    graded_at        INTEGER,
    PRIMARY KEY (attempt_id, question_id)
);

CREATE TABLE attempt_events (
    id         TEXT    NOT NULL PRIMARY KEY,
    booking_id TEXT    NOT NULL REFERENCES bookings (id),
    kind       TEXT    NOT NULL,
    details    TEXT    NOT NULL DEFAULT '',
    at         INTEGER NOT NULL
);
CREATE INDEX attempt_events_booking ON attempt_events (booking_id, at);

CREATE TABLE outbox (
    id           TEXT    NOT NULL PRIMARY KEY,
    event_type   TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    occurred_at  INTEGER NOT NULL,
    aggregate_id TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    published_at INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT
);
CREATE INDEX outbox_pending ON outbox (published_at, occurred_at);
