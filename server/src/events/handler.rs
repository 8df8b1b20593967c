//! Consumers of events. Delivery is at least once (a relay or a broker may deliver an event
//! again); [`handle_once`] makes the effect exactly once: the handler's writes and the record
//! that this consumer handled this event id commit in one transaction.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::envelope::EventEnvelope;
use crate::db::{Db, is_unique_violation, now_ms};
use crate::wakeup::Wakeups;

/// Something that reacts to events (notifications, live panels, analytics…).
#[async_trait]
pub trait EventHandler: Send + Sync + 'static {
    /// Stable name, used as the deduplication key and the Kafka consumer group suffix.
    fn name(&self) -> &'static str;

    /// Whether this handler wants events of this type.
    fn wants(&self, event_type: &str) -> bool;

    /// Applies the event inside the caller's transaction. An error rolls everything back and
    /// the event is delivered again later.
    async fn handle(&self, tx: &mut AnyConnection, event: &EventEnvelope) -> anyhow::Result<()>;

    /// Runs after the transaction committed (e.g. wake live streams). Must not fail.
    async fn after_commit(&self, _event: &EventEnvelope) {}
}

/// Every handler of this server; they wake the application's live streams through `live`.
pub fn handlers(live: &Wakeups) -> Vec<Arc<dyn EventHandler>> {
    vec![Arc::new(crate::notifications::NotificationHandler::from_env(live.bell.clone()))]
}

/// Applies `event` to `handler` once: returns false when this handler had already handled it.
pub async fn handle_once(db: &Db, handler: &dyn EventHandler, event: &EventEnvelope) -> anyhow::Result<bool> {
    if !handler.wants(&event.event_type) {
        return Ok(false);
    }
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
    handler.handle(&mut tx, event).await?;
    tx.commit().await?;
    handler.after_commit(event).await;
    Ok(true)
}
