//! Background workers' heartbeats: each loop records when it last ran, so the health panel can
//! tell a stalled worker from a healthy one, across every replica sharing the database.

use sqlx::FromRow;

use crate::db::{Db, now_ms};

/// Records that `worker` ran now and runs again every `every_ms`. Never fails the worker: a
/// heartbeat that cannot be written is logged (the health panel then shows the worker as stale).
pub async fn beat(db: &Db, worker: &str, every_ms: i64) {
    if let Err(e) = try_beat(db, worker, every_ms).await {
        tracing::warn!(worker, error = %e, "heartbeat not recorded");
    }
}

async fn try_beat(db: &Db, worker: &str, every_ms: i64) -> sqlx::Result<()> {
    let now = now_ms();
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    let done = sqlx::query("UPDATE worker_heartbeats SET beat_at = ?, every_ms = ?, host = ? WHERE worker = ?")
        .bind(now)
        .bind(every_ms)
        .bind(&host)
        .bind(worker)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        let inserted =
            sqlx::query("INSERT INTO worker_heartbeats (worker, beat_at, every_ms, host) VALUES (?, ?, ?, ?)")
                .bind(worker)
                .bind(now)
                .bind(every_ms)
                .bind(&host)
                .execute(db.pool())
                .await;
        // Another replica inserted the same worker first: its beat is as good as ours.
        if let Err(e) = inserted {
            if !crate::db::is_unique_violation(&e) {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// A worker's last heartbeat.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct Heartbeat {
    /// Worker name.
    pub worker: String,
    /// Last run, UTC ms.
    pub beat_at: i64,
    /// Expected period, ms.
    pub every_ms: i64,
}

/// Every worker's last heartbeat.
pub async fn all(db: &Db) -> sqlx::Result<Vec<Heartbeat>> {
    sqlx::query_as("SELECT worker, beat_at, every_ms FROM worker_heartbeats ORDER BY worker").fetch_all(db.pool()).await
}

/// A worker is stale when it missed three periods (and at least 30 s passed).
pub fn is_stale(beat: &Heartbeat, now: i64) -> bool {
    now - beat.beat_at > (beat.every_ms * 3).max(30_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_after_three_periods_or_thirty_seconds() {
        let b = Heartbeat { worker: "w".into(), beat_at: 0, every_ms: 5_000 };
        assert!(!is_stale(&b, 30_000));
        assert!(is_stale(&b, 30_001));
        let slow = Heartbeat { every_ms: 60_000, ..b };
        assert!(!is_stale(&slow, 180_000));
        assert!(is_stale(&slow, 180_001));
    }
}
