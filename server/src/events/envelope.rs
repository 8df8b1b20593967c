//! An event as it travels: the outbox row with its payload parsed.

use serde::{Deserialize, Serialize};

/// One domain event (what is published to Kafka or the in-process bus, as JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// Unique id (the outbox row id): consumers deduplicate on it.
    pub id: String,
    /// Type, also the Kafka topic (`exam_scheduled`, …).
    pub event_type: String,
    /// Payload schema version.
    pub version: i64,
    /// When the change was committed, UTC ms.
    pub occurred_at: i64,
    /// The booking, attempt… the event is about (Kafka message key).
    pub aggregate_id: String,
    /// The payload.
    pub payload: serde_json::Value,
}
