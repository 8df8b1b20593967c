//! Consumers of events. Delivery is at least once (a relay or a broker may deliver an event
//! again); [`handle_once`] makes the effect exactly once: the handler's writes and the record
//! that this consumer handled this event id commit in one transaction. It reads the payload into
//! its type first; an event it cannot read is retried a few times, then parked as a dead letter.

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::dead_letter::{self, Letter};
use super::envelope::EventEnvelope;
use super::event::Event;
use crate::db::{Db, is_unique_violation, now_ms};

/// Something that reacts to events (notifications, live panels, analytics…).
#[async_trait]
pub trait EventHandler: Send + Sync + 'static {
    /// Stable name, used as the deduplication key and the Kafka consumer group suffix.
    fn name(&self) -> &'static str;

    /// Whether this handler wants events of this type.
    fn wants(&self, event_type: &str) -> bool;

    /// Applies the event inside the caller's transaction. An error rolls everything back and
    /// the event is delivered again later.
    async fn handle(&self, tx: &mut AnyConnection, event: &Event) -> anyhow::Result<()>;

    /// Runs after the transaction committed (e.g. wake live streams). Must not fail.
    async fn after_commit(&self, _event: &Event) {}
}

/// Applies `envelope` to `handler` once: returns false when this handler had already handled it,
/// does not want it, or parked it as a dead letter. An error means "deliver it again later".
pub async fn handle_once(db: &Db, handler: &dyn EventHandler, envelope: &EventEnvelope) -> anyhow::Result<bool> {
    if !handler.wants(&envelope.event_type) {
        return Ok(false);
    }
    let Some(event) = read(db, handler.name(), envelope).await? else { return Ok(false) };
    let mut tx = db.pool().begin().await?;
    let claimed = sqlx::query("INSERT INTO consumed_events (consumer, event_id, consumed_at) VALUES (?, ?, ?)")
        .bind(handler.name())
        .bind(&event.id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
    match claimed {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    handler.handle(&mut tx, &event).await?;
    tx.commit().await?;
    handler.after_commit(&event).await;
    Ok(true)
}

/// Reads the envelope into its type; an error while an unreadable envelope still has retries,
/// `None` once it is parked as a dead letter.
async fn read(db: &Db, consumer: &str, envelope: &EventEnvelope) -> anyhow::Result<Option<Event>> {
    let unreadable = match Event::read(envelope) {
        Ok(event) => return Ok(Some(event)),
        Err(unreadable) => unreadable,
    };
    let payload = serde_json::to_string(envelope)?;
    let letter = Letter {
        message_id: &envelope.id,
        topic: &envelope.event_type,
        key: &envelope.aggregate_id,
        payload: &payload,
    };
    dead_letter::fail(db, consumer, &letter, &unreadable.to_string()).await?;
    Ok(None)
}
