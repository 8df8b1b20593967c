//! Transient database failures and their bounded retry.
//!
//! A transaction that lost a deadlock (MariaDB 1213, also how a Galera node reports a write-set
//! certification conflict), waited too long for a lock (1205) or found SQLite busy was rolled
//! back whole: running it again from the start is safe when its writes are conditional or
//! idempotent (the answer upsert, the conditional submit, a booking's seat update). [`retry`]
//! does that a bounded number of times with growing, jittered pauses; when it still fails, the
//! error becomes a 503 with `Retry-After` (never a 500). A node that is not ready for
//! statements (wsrep 1047) and a pool that found no connection in time are also 503s, but are
//! not retried here: the request may be sent again by the user, the next replica, or the proxy.

use std::future::Future;
use std::time::Duration;

/// How a session store (or another layer that keeps only an error's text) marks a database
/// failure that is not a bug ([`Failure::Retryable`] or [`Failure::Unavailable`]): the page
/// answers 503, not 500.
pub const BUSY_MARK: &str = "database busy: ";

/// Runs of an operation at most.
pub const ATTEMPTS: u32 = 4;

/// How a database error may be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Rolled back whole by the database (deadlock, certification conflict, lock wait, busy):
    /// safe to run the transaction again.
    Retryable,
    /// The database is not reachable or not ready: try again later (503).
    Unavailable,
    /// Anything else: a bug or bad data (500, or a caller's own mapping).
    Other,
}

/// MariaDB error numbers: deadlock or Galera certification conflict, lock wait timeout.
const MYSQL_RETRYABLE: [u16; 2] = [1213, 1205];
/// MariaDB error numbers: wsrep not ready (`WSREP has not yet prepared node for application
/// use`), server shutdown in progress, lost connection.
const MYSQL_UNAVAILABLE: [u16; 4] = [1047, 1053, 2006, 2013];
/// SQLite primary result codes: busy, locked (extended codes keep them in the low byte).
const SQLITE_RETRYABLE: [i64; 2] = [5, 6];

/// Classifies a database error.
pub fn classify(err: &sqlx::Error) -> Failure {
    match err {
        sqlx::Error::Database(db) => {
            if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                let n = my.number();
                if MYSQL_RETRYABLE.contains(&n) {
                    return Failure::Retryable;
                }
                if MYSQL_UNAVAILABLE.contains(&n) {
                    return Failure::Unavailable;
                }
                return Failure::Other;
            }
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                let primary = db.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff);
                if primary.is_some_and(|c| SQLITE_RETRYABLE.contains(&c)) {
                    return Failure::Retryable;
                }
            }
            Failure::Other
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => Failure::Unavailable,
        _ => Failure::Other,
    }
}

/// Runs at most of an operation on one hot row that many users write at once (a slot's seats
/// when a whole class books in the same second, on two Galera writers).
pub const HOT_ATTEMPTS: u32 = 8;

/// The pause before run `attempt + 1` (1-based): 20, 60, 180, 540 ms, then 1 s, each plus up to
/// half again.
pub fn pause(attempt: u32) -> Duration {
    let base = (20u64 * 3u64.pow(attempt.saturating_sub(1).min(6))).min(1000);
    Duration::from_millis(base + rand::random_range(0..=base / 2))
}

/// Runs `op` until it succeeds, fails for another reason than a retryable one, or has run
/// [`ATTEMPTS`] times. `op` must run its whole transaction each time (begin → commit).
pub async fn retry<T, F, Fut>(what: &str, op: F) -> sqlx::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<T>>,
{
    retry_when(what, ATTEMPTS, op, |err: &sqlx::Error| classify(err) == Failure::Retryable).await
}

/// [`retry`] up to [`HOT_ATTEMPTS`] times (about 3.8 s of pauses at most), for an operation on a
/// row that many write at the same moment.
pub async fn retry_hot<T, F, Fut>(what: &str, op: F) -> sqlx::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<T>>,
{
    retry_when(what, HOT_ATTEMPTS, op, |err: &sqlx::Error| classify(err) == Failure::Retryable).await
}

/// [`retry`] for an operation whose errors are `anyhow` chains: it runs again when the chain
/// carries a retryable database error.
pub async fn retry_any<T, F, Fut>(what: &str, op: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let retryable =
        |err: &anyhow::Error| err.downcast_ref::<sqlx::Error>().is_some_and(|e| classify(e) == Failure::Retryable);
    retry_when(what, ATTEMPTS, op, retryable).await
}

async fn retry_when<T, E, F, Fut>(what: &str, attempts: u32, mut op: F, retryable: impl Fn(&E) -> bool) -> Result<T, E>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Err(err) if attempt < attempts && retryable(&err) => {
                tracing::warn!(operation = what, attempt, error = %err, "transient database failure, retrying");
                tokio::time::sleep(pause(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_and_stay_bounded() {
        for attempt in 1..HOT_ATTEMPTS {
            let base = (20 * 3u64.pow(attempt - 1)).min(1000);
            let p = pause(attempt).as_millis() as u64;
            assert!((base..=base + base / 2).contains(&p), "attempt {attempt}: {p} ms");
        }
    }

    #[test]
    fn connection_failures_are_unavailable_not_retried() {
        assert_eq!(classify(&sqlx::Error::PoolTimedOut), Failure::Unavailable);
        assert_eq!(classify(&sqlx::Error::RowNotFound), Failure::Other);
    }
}
