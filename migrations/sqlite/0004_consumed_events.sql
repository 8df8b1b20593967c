-- Which consumer handled which event: makes at-least-once delivery an exactly-once effect.
CREATE TABLE consumed_events (
    consumer    TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    consumed_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
