//! The email outbox: pending emails, claimed by one sender at a time (several replicas may run
//! the sender), and the admin's view of it.

use sqlx::FromRow;

use crate::db::{Db, DbText, now_ms};

/// How long a claimed email is hidden from other senders while this one talks to SMTP.
const LEASE_MS: i64 = 5 * 60_000;

/// One queued email.
#[derive(Clone, Debug, FromRow)]
pub struct QueuedEmail {
    /// Id.
    pub id: String,
    /// Recipient address.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Plain-text part.
    #[sqlx(try_from = "DbText")]
    pub text_body: String,
    /// HTML part.
    #[sqlx(try_from = "DbText")]
    pub html_body: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// When it may be tried (again).
    pub next_attempt_at: i64,
    /// Last SMTP or build error.
    #[sqlx(try_from = "DbText")]
    pub last_error: String,
    /// When the server accepted it.
    pub sent_at: Option<i64>,
    /// When it was queued.
    pub created_at: i64,
}

const COLUMNS: &str = "SELECT id, to_address, subject, text_body, html_body, status, attempts, next_attempt_at, \
     COALESCE(last_error, '') AS last_error, sent_at, created_at FROM email_outbox";

/// Claims up to `limit` due pending emails (moving their next attempt past the lease, with a
/// conditional update so that two senders never take the same email).
pub async fn claim_due(db: &Db, now: i64, limit: i64) -> sqlx::Result<Vec<QueuedEmail>> {
    let due: Vec<QueuedEmail> = sqlx::query_as(&format!(
        "{COLUMNS} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for email in due {
        let done = sqlx::query(
            "UPDATE email_outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?",
        )
        .bind(now + LEASE_MS)
        .bind(&email.id)
        .bind(email.next_attempt_at)
        .execute(db.pool())
        .await?;
        if done.rows_affected() == 1 {
            claimed.push(email);
        }
    }
    Ok(claimed)
}

/// The SMTP server accepted it.
pub async fn mark_sent(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE email_outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?")
        .bind(now_ms())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records a failed attempt: retried at `next_at`, or `failed` once `max` attempts were made.
pub async fn mark_failed_attempt(
    db: &Db,
    id: &str,
    attempts: i64,
    max: i64,
    next_at: i64,
    error: &str,
) -> sqlx::Result<()> {
    let status = if attempts >= max { "failed" } else { "pending" };
    let error: String = error.chars().take(2000).collect();
    sqlx::query("UPDATE email_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
        .bind(status)
        .bind(attempts)
        .bind(next_at)
        .bind(error)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Newest emails, optionally of one status, for the admin page.
pub async fn list(db: &Db, status: Option<&str>, limit: i64) -> sqlx::Result<Vec<QueuedEmail>> {
    sqlx::query_as(&format!("{COLUMNS} WHERE (? IS NULL OR status = ?) ORDER BY created_at DESC, id DESC LIMIT ?"))
        .bind(status)
        .bind(status)
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// Emails of one user (tests and support).
pub async fn for_user(db: &Db, user_id: &str) -> sqlx::Result<Vec<QueuedEmail>> {
    sqlx::query_as(&format!("{COLUMNS} WHERE user_id = ? ORDER BY created_at, id"))
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}
