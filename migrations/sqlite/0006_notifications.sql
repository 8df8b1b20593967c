-- Notifications: the in-app feed, the email outbox and each user's channel preferences.
-- Timestamps are UTC milliseconds.
CREATE TABLE notifications (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id),
    event_id   TEXT    NOT NULL,
    event_type TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    link       TEXT,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE INDEX notifications_feed ON notifications (user_id, created_at);

CREATE TABLE email_outbox (
    id              TEXT    NOT NULL PRIMARY KEY,
    notification_id TEXT,
    user_id         TEXT    NOT NULL REFERENCES users (id),
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER,
    throttle_key    TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_throttle ON email_outbox (user_id, throttle_key, created_at);

CREATE TABLE notification_preferences (
    user_id    TEXT    NOT NULL REFERENCES users (id),
    event_type TEXT    NOT NULL,
    in_app     INTEGER NOT NULL,
    email      INTEGER NOT NULL,
    PRIMARY KEY (user_id, event_type)
);
