-- Accounts, browser sessions and login throttling.
-- Timestamps are UTC milliseconds since the Unix epoch (BIGINT) on every backend.
CREATE TABLE users (
    id            CHAR(36)     NOT NULL PRIMARY KEY,
    email         VARCHAR(254) NOT NULL,
    name          VARCHAR(200) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    locale        VARCHAR(8)   NULL,
    active        BIGINT       NOT NULL DEFAULT 1,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    CONSTRAINT users_email_unique UNIQUE (email),
    CONSTRAINT users_role_check CHECK (role IN ('student', 'teacher', 'proctor', 'admin')),
    INDEX users_role (role),
    INDEX users_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE web_sessions (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,
    data       LONGBLOB    NOT NULL,
    expires_at BIGINT      NOT NULL,
    INDEX web_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE login_failures (
    id        CHAR(36)     NOT NULL PRIMARY KEY,
    subject   VARCHAR(300) NOT NULL,
    failed_at BIGINT       NOT NULL,
    INDEX login_failures_subject (subject, failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
