-- Exams in full: settings, questions with their keys, accommodations, bookings, attempts,
-- answers, attempt events, and the transactional outbox.

ALTER TABLE exams
    ADD COLUMN pass_mark_percent BIGINT NOT NULL DEFAULT 60,
    ADD COLUMN shuffle_questions BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN shuffle_options BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN release_mode VARCHAR(16) NOT NULL DEFAULT 'immediate',
    ADD COLUMN results_released_at BIGINT NULL;

ALTER TABLE exam_slots
    ADD COLUMN booked BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN cancelled_at BIGINT NULL;

CREATE TABLE questions (
    id                CHAR(36)    NOT NULL PRIMARY KEY,
    exam_id           CHAR(36)    NOT NULL,
    position          BIGINT      NOT NULL,
    kind              VARCHAR(16) NOT NULL,
    prompt            TEXT        NOT NULL,
    options           TEXT        NOT NULL,
    answer_key        TEXT        NOT NULL,
    points_hundredths BIGINT      NOT NULL,
    partial_credit    BIGINT      NOT NULL DEFAULT 0,
    created_at        BIGINT      NOT NULL,
    updated_at        BIGINT      NOT NULL,
    deleted_at        BIGINT      NULL,
    CONSTRAINT questions_exam_fk FOREIGN KEY (exam_id) REFERENCES exams (id),
    CONSTRAINT questions_kind_check CHECK (kind IN ('mcq', 'true_false', 'short_answer', 'essay')),
    CONSTRAINT questions_points_check CHECK (points_hundredths > 0),
    INDEX questions_exam (exam_id, deleted_at, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE accommodations (
    exam_id       CHAR(36)     NOT NULL,
    student_id    CHAR(36)     NOT NULL,
    extra_minutes BIGINT       NOT NULL DEFAULT 0,
    extra_percent BIGINT       NOT NULL DEFAULT 0,
    note          VARCHAR(500) NOT NULL DEFAULT '',
    created_at    BIGINT       NOT NULL,
    PRIMARY KEY (exam_id, student_id),
    CONSTRAINT accommodations_exam_fk FOREIGN KEY (exam_id) REFERENCES exams (id),
    CONSTRAINT accommodations_student_fk FOREIGN KEY (student_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE bookings (
    id            CHAR(36)     NOT NULL PRIMARY KEY,
    exam_id       CHAR(36)     NOT NULL,
    slot_id       CHAR(36)     NOT NULL,
    student_id    CHAR(36)     NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    active_key    VARCHAR(80)  NULL,
    created_at    BIGINT       NOT NULL,
    cancelled_at  BIGINT       NULL,
    cancel_reason VARCHAR(500) NULL,
    CONSTRAINT bookings_active_key UNIQUE (active_key),
    CONSTRAINT bookings_exam_fk FOREIGN KEY (exam_id) REFERENCES exams (id),
    CONSTRAINT bookings_slot_fk FOREIGN KEY (slot_id) REFERENCES exam_slots (id),
    CONSTRAINT bookings_student_fk FOREIGN KEY (student_id) REFERENCES users (id),
    CONSTRAINT bookings_status_check CHECK (status IN ('active', 'cancelled')),
    INDEX bookings_student (student_id, status),
    INDEX bookings_slot (slot_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE attempts (
    id                   CHAR(36)    NOT NULL PRIMARY KEY,
    booking_id           CHAR(36)    NOT NULL,
    exam_id              CHAR(36)    NOT NULL,
    student_id           CHAR(36)    NOT NULL,
    status               VARCHAR(16) NOT NULL,
    started_at           BIGINT      NOT NULL,
    deadline_at          BIGINT      NOT NULL,
    submitted_at         BIGINT      NULL,
    submit_reason        VARCHAR(16) NULL,
    question_order       TEXT        NOT NULL,
    option_orders        TEXT        NOT NULL,
    grading_status       VARCHAR(16) NOT NULL DEFAULT 'pending',
    score_hundredths     BIGINT      NULL,
    max_score_hundredths BIGINT      NOT NULL,
    passed               BIGINT      NULL,
    graded_at            BIGINT      NULL,
    CONSTRAINT attempts_booking_unique UNIQUE (booking_id),
    CONSTRAINT attempts_booking_fk FOREIGN KEY (booking_id) REFERENCES bookings (id),
    CONSTRAINT attempts_exam_fk FOREIGN KEY (exam_id) REFERENCES exams (id),
    CONSTRAINT attempts_student_fk FOREIGN KEY (student_id) REFERENCES users (id),
    CONSTRAINT attempts_status_check CHECK (status IN ('in_progress', 'submitted')),
    CONSTRAINT attempts_grading_check CHECK (grading_status IN ('pending', 'graded')),
    INDEX attempts_deadline (status, deadline_at),
    INDEX attempts_exam (exam_id, status),
    INDEX attempts_student (student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE answers (
    attempt_id       CHAR(36) NOT NULL,
    question_id      CHAR(36) NOT NULL,
    response         TEXT     NOT NULL,
    saved_at         BIGINT   NOT NULL,
    score_hundredths BIGINT   NULL,
    graded_by        CHAR(36) NULL,
    comment          TEXT     NOT NULL,
    graded_at        BIGINT   NULL,
    PRIMARY KEY (attempt_id, question_id),
    CONSTRAINT answers_attempt_fk FOREIGN KEY (attempt_id) REFERENCES attempts (id),
    CONSTRAINT answers_question_fk FOREIGN KEY (question_id) REFERENCES questions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE attempt_events (
    id         CHAR(36)    NOT NULL PRIMARY KEY,
    booking_id CHAR(36)    NOT NULL,
    kind       VARCHAR(40) NOT NULL,
    details    TEXT        NOT NULL,
    at         BIGINT      NOT NULL,
    CONSTRAINT attempt_events_booking_fk FOREIGN KEY (booking_id) REFERENCES bookings (id),
    INDEX attempt_events_booking (booking_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE outbox (
    id           CHAR(36)    NOT NULL PRIMARY KEY,
    event_type   VARCHAR(64) NOT NULL,
    version      BIGINT      NOT NULL,
    occurred_at  BIGINT      NOT NULL,
    aggregate_id VARCHAR(64) NOT NULL,
    payload      MEDIUMTEXT  NOT NULL,
    published_at BIGINT      NULL,
    attempts     BIGINT      NOT NULL DEFAULT 0,
    last_error   TEXT        NULL,
    INDEX outbox_pending (published_at, occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
