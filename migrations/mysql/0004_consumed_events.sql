-- Which consumer handled which event: makes at-least-once delivery an exactly-once effect.
CREATE TABLE consumed_events (
    consumer    VARCHAR(64) NOT NULL,
    event_id    CHAR(36)    NOT NULL,
    consumed_at BIGINT      NOT NULL,
    PRIMARY KEY (consumer, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
