-- Notifications: the in-app feed, the email outbox and each user's channel preferences.
-- Timestamps are UTC milliseconds.
CREATE TABLE notifications (
    id         CHAR(36)     NOT NULL PRIMARY KEY,
    user_id    CHAR(36)     NOT NULL,
    event_id   CHAR(36)     NOT NULL,
    event_type VARCHAR(64)  NOT NULL,
    title      VARCHAR(500) NOT NULL,
    body       TEXT         NOT NULL,
    link       VARCHAR(500) NULL,
    created_at BIGINT       NOT NULL,
    read_at    BIGINT       NULL,
    CONSTRAINT notifications_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    INDEX notifications_unread (user_id, read_at),
    INDEX notifications_feed (user_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE email_outbox (
    id              CHAR(36)     NOT NULL PRIMARY KEY,
    notification_id CHAR(36)     NULL,
    user_id         CHAR(36)     NOT NULL,
    to_address      VARCHAR(254) NOT NULL,
    subject         VARCHAR(500) NOT NULL,
    text_body       MEDIUMTEXT   NOT NULL,
    html_body       MEDIUMTEXT   NOT NULL,
    status          VARCHAR(16)  NOT NULL DEFAULT 'pending',
    attempts        BIGINT       NOT NULL DEFAULT 0,
    next_attempt_at BIGINT       NOT NULL,
    last_error      TEXT         NULL,
    sent_at         BIGINT       NULL,
    throttle_key    VARCHAR(200) NULL,
    created_at      BIGINT       NOT NULL,
    CONSTRAINT email_outbox_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    INDEX email_outbox_due (status, next_attempt_at),
    INDEX email_outbox_throttle (user_id, throttle_key, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE notification_preferences (
    user_id    CHAR(36)    NOT NULL,
    event_type VARCHAR(64) NOT NULL,
    in_app     BIGINT      NOT NULL,
    email      BIGINT      NOT NULL,
    PRIMARY KEY (user_id, event_type),
    CONSTRAINT notification_preferences_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
