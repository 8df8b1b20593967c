//! Login throttling per account and per client address. Failures are rows (insert-only, so it is
//! race-free on both backends); a subject is locked while it has `limit` failures in the window.

use crate::db::{Db, new_id, now_ms};

/// How many failures lock a subject, within which window, for how long.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures that trigger the lock.
    pub limit: i64,
    /// Window in which failures count, and lock length after the last counted failure, ms.
    pub window_ms: i64,
}

/// Five wrong passwords for one account lock it for 15 minutes.
pub const ACCOUNT: Policy = Policy { limit: 5, window_ms: 15 * 60 * 1000 };
/// Thirty failures from one address (any accounts) lock that address for 15 minutes.
pub const ADDRESS: Policy = Policy { limit: 30, window_ms: 15 * 60 * 1000 };

/// The throttle subject of an account.
pub fn account_subject(email: &str) -> String {
    format!("account:{email}")
}

/// The throttle subject of a client address.
pub fn address_subject(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Milliseconds until `subject` may try again, or `None` when it is not locked.
pub async fn locked_for(db: &Db, subject: &str, policy: Policy) -> sqlx::Result<Option<i64>> {
    let now = now_ms();
    let recent: Vec<i64> = sqlx::query_scalar(
        "SELECT failed_at FROM login_failures WHERE subject = ? AND failed_at > ? \
         ORDER BY failed_at DESC LIMIT ?",
    )
    .bind(subject)
    .bind(now - policy.window_ms)
    .bind(policy.limit)
    .fetch_all(db.pool())
    .await?;
    if i64::try_from(recent.len()).unwrap_or(i64::MAX) < policy.limit {
        return Ok(None);
    }
    // Locked until the newest failure leaves the window.
    let newest = recent.first().copied().unwrap_or(now);
    Ok(Some((newest + policy.window_ms - now).max(1000)))
}

/// Records one failed attempt.
pub async fn record_failure(db: &Db, subject: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO login_failures (id, subject, failed_at) VALUES (?, ?, ?)")
        .bind(new_id())
        .bind(subject)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Forgets the failures of a subject (after a successful login).
pub async fn clear(db: &Db, subject: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE subject = ?").bind(subject).execute(db.pool()).await?;
    Ok(())
}

/// Deletes failures older than any window (run periodically).
pub async fn purge_old(db: &Db) -> sqlx::Result<u64> {
    let cutoff = now_ms() - ACCOUNT.window_ms.max(ADDRESS.window_ms);
    let done = sqlx::query("DELETE FROM login_failures WHERE failed_at < ?").bind(cutoff).execute(db.pool()).await?;
    Ok(done.rows_affected())
}
