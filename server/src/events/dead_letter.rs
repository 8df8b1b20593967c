//! Dead letters: consumed messages a handler cannot read (not an event, unknown version, payload
//! not matching its type). Such a failure will not heal by itself, so it is retried only
//! [`MAX_ATTEMPTS`] times (counted here, so restarts do not reset the count), then the message is
//! parked (kept here for admins) and skipped, instead of blocking its topic forever.

use crate::db::{Db, DbText, is_unique_violation, now_ms};

/// Failed readings of one message before it is parked.
pub const MAX_ATTEMPTS: i64 = 5;

/// A message a consumer could not read.
#[derive(Clone, Copy, Debug)]
pub struct Letter<'a> {
    /// The event id, or `topic/partition/offset` when the message is not an event.
    pub message_id: &'a str,
    /// Topic (event type).
    pub topic: &'a str,
    /// Message key (aggregate id).
    pub key: &'a str,
    /// The message as received.
    pub payload: &'a str,
}

/// Counts one failed reading of `letter` by `consumer`. While attempts remain this returns an
/// error (the caller retries the message later); once parked it returns `Ok` (the caller skips
/// the message).
pub async fn fail(db: &Db, consumer: &str, letter: &Letter<'_>, error: &str) -> anyhow::Result<()> {
    let now = now_ms();
    let error: String = error.chars().take(2000).collect();
    let mut tx = db.pool().begin().await?;
    let seen_before = sqlx::query(
        "UPDATE dead_letters SET attempts = attempts + 1, error = ?, last_seen_at = ? \
         WHERE consumer = ? AND message_id = ?",
    )
    .bind(&error)
    .bind(now)
    .bind(consumer)
    .bind(letter.message_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if !seen_before {
        let payload: String = letter.payload.chars().take(60_000).collect();
        let inserted = sqlx::query(
            "INSERT INTO dead_letters (consumer, message_id, topic, message_key, error, payload, attempts, \
             first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        )
        .bind(consumer)
        .bind(letter.message_id)
        .bind(letter.topic)
        .bind(letter.key)
        .bind(&error)
        .bind(payload)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // Another replica counted it at the same moment: this reading is retried.
            Err(e) if is_unique_violation(&e) => anyhow::bail!("{error} (counted concurrently; retrying)"),
            Err(e) => return Err(e.into()),
        }
    }
    let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM dead_letters WHERE consumer = ? AND message_id = ?")
        .bind(consumer)
        .bind(letter.message_id)
        .fetch_one(&mut *tx)
        .await?;
    if attempts >= MAX_ATTEMPTS {
        sqlx::query(
            "UPDATE dead_letters SET parked_at = ? WHERE consumer = ? AND message_id = ? AND parked_at IS NULL",
        )
        .bind(now)
        .bind(consumer)
        .bind(letter.message_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if attempts < MAX_ATTEMPTS {
        anyhow::bail!("{error} (attempt {attempts} of {MAX_ATTEMPTS}, then parked as a dead letter)");
    }
    tracing::warn!(consumer, topic = letter.topic, message_id = letter.message_id, error = %error, "message parked as a dead letter");
    Ok(())
}

/// A dead letter as admins see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeadLetter {
    /// The handler that could not read it.
    pub consumer: String,
    /// Event id, or `topic/partition/offset`.
    pub message_id: String,
    /// Topic (event type).
    pub topic: String,
    /// Message key (aggregate id).
    pub message_key: String,
    /// The last reading's error.
    #[sqlx(try_from = "DbText")]
    pub error: String,
    /// The message as received (cut at 60,000 characters).
    #[sqlx(try_from = "DbText")]
    pub payload: String,
    /// Failed readings.
    pub attempts: i64,
    /// First failure, UTC ms.
    pub first_seen_at: i64,
    /// Last failure, UTC ms.
    pub last_seen_at: i64,
    /// When it was parked (`None` while retries remain).
    pub parked_at: Option<i64>,
}

/// The `limit` most recently failed messages, parked or still retried.
pub async fn list(db: &Db, limit: i64) -> sqlx::Result<Vec<DeadLetter>> {
    sqlx::query_as(
        "SELECT consumer, message_id, topic, message_key, error, payload, attempts, first_seen_at, last_seen_at, \
         parked_at FROM dead_letters ORDER BY last_seen_at DESC, message_id LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await
}
