-- Consumed messages a handler could not read (not an event, unknown type version, payload not
-- matching its type). Each failure counts an attempt; after a few the message is parked
-- (parked_at set) and skipped, so it no longer blocks its topic. Timestamps are UTC milliseconds.
-- message_id: the event id, or `topic/partition/offset` for a Kafka message that is not an event.
CREATE TABLE dead_letters (
    consumer      TEXT    NOT NULL,
    message_id    TEXT    NOT NULL,
    topic         TEXT    NOT NULL,
    message_key   TEXT    NOT NULL,
    error         TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    parked_at     INTEGER,
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX dead_letters_recent ON dead_letters (last_seen_at);
