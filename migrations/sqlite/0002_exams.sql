-- Exams and their time slots (the exams context extends these tables).
CREATE TABLE exams (
    id               TEXT    NOT NULL PRIMARY KEY,
    teacher_id       TEXT    NOT NULL REFERENCES users (id),
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 300),
    status           TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'deleted')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX exams_teacher ON exams (teacher_id, status);
CREATE INDEX exams_status ON exams (status);

CREATE TABLE exam_slots (
    id         TEXT    NOT NULL PRIMARY KEY,
    exam_id    TEXT    NOT NULL REFERENCES exams (id),
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity > 0),
    created_at INTEGER NOT NULL
);
CREATE INDEX exam_slots_exam ON exam_slots (exam_id, starts_at);
