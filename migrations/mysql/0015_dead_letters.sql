-- Consumed messages a handler could not read (not an event, unknown type version, payload not
-- matching its type). Each failure counts an attempt; after a few the message is parked
-- (parked_at set) and skipped, so it no longer blocks its topic. Timestamps are UTC milliseconds.
-- message_id: the event id, or `topic/partition/offset` for a Kafka message that is not an event.
CREATE TABLE dead_letters (
    consumer      VARCHAR(64)  NOT NULL,
    message_id    VARCHAR(200) NOT NULL,
    topic         VARCHAR(200) NOT NULL,
    message_key   VARCHAR(200) NOT NULL,
    error         TEXT         NOT NULL,
    payload       MEDIUMTEXT   NOT NULL,
    attempts      BIGINT       NOT NULL,
    first_seen_at BIGINT       NOT NULL,
    last_seen_at  BIGINT       NOT NULL,
    parked_at     BIGINT       NULL,
    PRIMARY KEY (consumer, message_id),
    INDEX dead_letters_recent (last_seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
