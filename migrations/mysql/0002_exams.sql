-- Exams and their time slots (the exams context extends these tables).
CREATE TABLE exams (
    id               CHAR(36)     NOT NULL PRIMARY KEY,
    teacher_id       CHAR(36)     NOT NULL,
    title            VARCHAR(200) NOT NULL,
    description      TEXT         NOT NULL,
    duration_minutes BIGINT       NOT NULL,
    status           VARCHAR(16)  NOT NULL DEFAULT 'draft',
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    CONSTRAINT exams_teacher_fk FOREIGN KEY (teacher_id) REFERENCES users (id),
    CONSTRAINT exams_duration_check CHECK (duration_minutes BETWEEN 5 AND 300),
    CONSTRAINT exams_status_check CHECK (status IN ('draft', 'published', 'deleted')),
    INDEX exams_teacher (teacher_id, status),
    INDEX exams_status (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE exam_slots (
    id         CHAR(36) NOT NULL PRIMARY KEY,
    exam_id    CHAR(36) NOT NULL,
    starts_at  BIGINT   NOT NULL,
    ends_at    BIGINT   NOT NULL,
    capacity   BIGINT   NOT NULL,
    created_at BIGINT   NOT NULL,
    CONSTRAINT exam_slots_exam_fk FOREIGN KEY (exam_id) REFERENCES exams (id),
    CONSTRAINT exam_slots_capacity_check CHECK (capacity > 0),
    INDEX exam_slots_exam (exam_id, starts_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
