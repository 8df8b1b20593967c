//! The outbox relay: a background task that publishes pending outbox rows to a [`Sink`] (Kafka,
//! or the in-process handlers) and marks each row published only after the sink accepted it.
//! Nothing is dropped: a failure counts an attempt, keeps the error and retries with back-off.
//! Several replicas may relay at once: each claims a row (for a while) before publishing it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;

use super::envelope::EventEnvelope;
use super::handler::{EventHandler, handle_once};
use super::{drop_blocking, stopped_during};
use crate::db::{Db, DbText, new_id, now_ms};

/// How often and how much the relay works.
#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// Pause between two passes when the outbox is empty.
    pub tick: Duration,
    /// Rows read and claimed per pass.
    pub batch: usize,
    /// How long a claim holds: after that, another replica may take the row.
    pub claim_for: Duration,
    /// First pause after a failed pass; doubled after each failure.
    pub backoff_min: Duration,
    /// Longest pause after failures.
    pub backoff_max: Duration,
    /// How long the Kafka sink waits for the broker to acknowledge a message.
    pub publish_timeout: Duration,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            tick: Duration::from_millis(200),
            batch: 200,
            claim_for: Duration::from_secs(60),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            publish_timeout: Duration::from_secs(10),
        }
    }
}

/// Where the relay publishes.
#[async_trait]
pub trait Sink: Send + Sync + 'static {
    /// `"in-process"` or `"kafka"` (shown in `/ready`).
    fn name(&self) -> &'static str;

    /// Runs once before the relay's first pass (Kafka: creates the missing topics). Must not
    /// fail: what it could not do is retried by `publish`.
    async fn prepare(&self) {}

    /// Publishes `events` in order and returns one outcome per event it tried, in order. It may
    /// stop early (return fewer outcomes): the remaining events stay pending for the next pass.
    async fn publish(&self, events: &[EventEnvelope]) -> Vec<Result<(), String>>;
}

/// Delivers every event to each in-process handler (exactly-once effect through [`handle_once`]).
pub struct InProcessSink {
    db: Db,
    handlers: Vec<Arc<dyn EventHandler>>,
}

impl InProcessSink {
    /// A sink calling `handlers` (usually [`super::handler::handlers()`]).
    pub fn new(db: Db, handlers: Vec<Arc<dyn EventHandler>>) -> Self {
        Self { db, handlers }
    }
}

#[async_trait]
impl Sink for InProcessSink {
    fn name(&self) -> &'static str {
        "in-process"
    }

    async fn publish(&self, events: &[EventEnvelope]) -> Vec<Result<(), String>> {
        let mut outcomes = Vec::with_capacity(events.len());
        for event in events {
            let mut outcome = Ok(());
            for handler in &self.handlers {
                if let Err(e) = handle_once(&self.db, handler.as_ref(), event).await {
                    outcome = Err(format!("handler {}: {e:#}", handler.name()));
                    break;
                }
            }
            let failed = outcome.is_err();
            outcomes.push(outcome);
            if failed {
                // Later events wait, so handlers see one aggregate's events in order.
                break;
            }
        }
        outcomes
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Rows published and marked.
    pub published: usize,
    /// Rows whose publication failed (attempt counted).
    pub failed: usize,
}

/// Publishes the outbox to one sink.
pub struct Relay {
    db: Db,
    sink: Arc<dyn Sink>,
    config: RelayConfig,
    /// This replica's claim name.
    id: String,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: String,
    event_type: String,
    version: i64,
    occurred_at: i64,
    aggregate_id: String,
    #[sqlx(try_from = "DbText")]
    payload: String,
}

impl Relay {
    /// A relay of `db`'s outbox to `sink`.
    pub fn new(db: Db, sink: Arc<dyn Sink>, config: RelayConfig) -> Self {
        Self { db, sink, config, id: format!("relay-{}", new_id()) }
    }

    /// Runs passes until `stop` is raised (or its sender dropped), pausing `tick` when idle and
    /// backing off exponentially (up to `backoff_max`) while publications fail. A pass under way
    /// ends first; the sink is then dropped on a blocking thread (a Kafka producer flushes).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        self.sink.prepare().await;
        let mut backoff = self.config.backoff_min;
        let mut last_beat: Option<std::time::Instant> = None;
        while !*stop.borrow() {
            // The health panel reads this heartbeat; every 5 s is plenty (passes run every 200 ms).
            if last_beat.is_none_or(|t| t.elapsed() >= HEARTBEAT_EVERY) {
                crate::heartbeat::beat(&self.db, "relay", 5_000).await;
                last_beat = Some(std::time::Instant::now());
            }
            let pause = match self.run_once().await {
                Ok(pass) if pass.failed == 0 => {
                    backoff = self.config.backoff_min;
                    if pass.published >= self.config.batch { Duration::ZERO } else { self.config.tick }
                }
                Ok(pass) => {
                    tracing::warn!(failed = pass.failed, retry_in_ms = backoff.as_millis(), "event publication failed");
                    next_backoff(&mut backoff, self.config.backoff_max)
                }
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "outbox relay pass failed");
                    next_backoff(&mut backoff, self.config.backoff_max)
                }
            };
            if stopped_during(pause, &mut stop).await {
                break;
            }
        }
        drop_blocking(self.sink).await;
    }

    /// One pass: claim up to `batch` pending rows (oldest first), publish them, record outcomes.
    pub async fn run_once(&self) -> anyhow::Result<Pass> {
        let events = self.claim().await?;
        if events.is_empty() {
            return Ok(Pass::default());
        }
        let outcomes = self.sink.publish(&events).await;
        let mut pass = Pass::default();
        // One transaction for the whole batch's outcomes (one commit instead of one per row).
        let mut tx = self.db.pool().begin().await?;
        for (event, outcome) in events.iter().zip(outcomes.iter()) {
            match outcome {
                Ok(()) => {
                    sqlx::query(
                        "UPDATE outbox SET published_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?",
                    )
                    .bind(now_ms())
                    .bind(&event.id)
                    .execute(&mut *tx)
                    .await?;
                    pass.published += 1;
                }
                Err(error) => {
                    let error: String = error.chars().take(2000).collect();
                    sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, claimed_by = NULL, \
                         claimed_until = NULL WHERE id = ?",
                    )
                    .bind(error)
                    .bind(&event.id)
                    .execute(&mut *tx)
                    .await?;
                    pass.failed += 1;
                }
            }
        }
        tx.commit().await?;
        for event in events.iter().skip(outcomes.len()) {
            self.release(&event.id).await?;
        }
        Ok(pass)
    }

    /// Reads pending rows and keeps those this replica could claim (an atomic conditional update
    /// per row, so two replicas never both hold a live claim on one row).
    async fn claim(&self) -> anyhow::Result<Vec<EventEnvelope>> {
        let now = now_ms();
        let sql = format!(
            "SELECT id, event_type, version, occurred_at, aggregate_id, payload FROM outbox \
             WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?) \
             ORDER BY occurred_at, id LIMIT {}",
            self.config.batch.max(1)
        );
        let rows: Vec<PendingRow> = sqlx::query_as(&sql).bind(now).fetch_all(self.db.pool()).await?;
        let until = now.saturating_add(i64::try_from(self.config.claim_for.as_millis()).unwrap_or(i64::MAX / 2));
        let mut claimed = Vec::with_capacity(rows.len());
        // Claims of one batch commit together; each stays a conditional update, so a row another
        // replica claimed meanwhile is skipped.
        let mut tx = self.db.pool().begin().await?;
        for row in rows {
            let done = sqlx::query(
                "UPDATE outbox SET claimed_by = ?, claimed_until = ? \
                 WHERE id = ? AND published_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)",
            )
            .bind(&self.id)
            .bind(until)
            .bind(&row.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                continue;
            }
            // Rows written by `record` hold JSON. Any other text travels as a JSON string, which
            // no payload type reads: consumers park it as a dead letter instead of blocking on it.
            let payload = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::String(row.payload));
            claimed.push(EventEnvelope {
                id: row.id,
                event_type: row.event_type,
                version: row.version,
                occurred_at: row.occurred_at,
                aggregate_id: row.aggregate_id,
                payload,
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn release(&self, id: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?")
            .bind(id)
            .bind(&self.id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }
}

/// Returns the current back-off and doubles it for next time (capped).
fn next_backoff(backoff: &mut Duration, max: Duration) -> Duration {
    let now = (*backoff).min(max);
    *backoff = (now * 2).min(max);
    now
}

/// How often the relay records its heartbeat.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// How far behind the relay is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lag {
    /// Unpublished events.
    pub pending: i64,
    /// Age of the oldest unpublished event in ms (0 when none).
    pub oldest_pending_ms: i64,
}

/// Reads the relay lag from the outbox.
pub async fn lag(db: &Db) -> sqlx::Result<Lag> {
    lag_at(db, now_ms()).await
}

/// The relay lag as seen at `now` (UTC ms; the dashboard passes its own clock).
pub async fn lag_at(db: &Db, now: i64) -> sqlx::Result<Lag> {
    let (pending, oldest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MIN(occurred_at) FROM outbox WHERE published_at IS NULL")
            .fetch_one(db.pool())
            .await?;
    let oldest_pending_ms = oldest.map_or(0, |at| now.saturating_sub(at).max(0));
    Ok(Lag { pending, oldest_pending_ms })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::next_backoff;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut b = Duration::from_millis(500);
        let max = Duration::from_secs(30);
        let seen: Vec<u128> = (0..9).map(|_| next_backoff(&mut b, max).as_millis()).collect();
        assert_eq!(seen, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }
}
