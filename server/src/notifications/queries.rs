//! SQL of the notifications context (portable: SQLite and MariaDB).

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use super::routing::Category;
use crate::db::{Db, DbText, new_id, now_ms};

/// Channels a user wants for a category: `(in_app, email)`.
pub async fn channels(conn: &mut AnyConnection, user_id: &str, category: Category) -> sqlx::Result<(bool, bool)> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT in_app, email FROM notification_preferences WHERE user_id = ? AND event_type = ?")
            .bind(user_id)
            .bind(category.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(row.map_or((true, category.default_email()), |(a, e)| (a != 0, e != 0)))
}

/// Every category's channels for a user (defaults where nothing is saved).
pub async fn preferences(db: &Db, user_id: &str) -> sqlx::Result<Vec<(Category, bool, bool)>> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT event_type, in_app, email FROM notification_preferences WHERE user_id = ?")
            .bind(user_id)
            .fetch_all(db.pool())
            .await?;
    let saved: HashMap<String, (bool, bool)> = rows.into_iter().map(|(t, a, e)| (t, (a != 0, e != 0))).collect();
    Ok(Category::ALL
        .into_iter()
        .map(|c| {
            let (a, e) = saved.get(c.as_str()).copied().unwrap_or((true, c.default_email()));
            (c, a, e)
        })
        .collect())
}

/// Replaces a user's preferences.
pub async fn save_preferences(db: &Db, user_id: &str, prefs: &[(Category, bool, bool)]) -> sqlx::Result<()> {
    let mut tx = db.pool().begin().await?;
    sqlx::query("DELETE FROM notification_preferences WHERE user_id = ?").bind(user_id).execute(&mut *tx).await?;
    for (category, in_app, email) in prefs {
        sqlx::query("INSERT INTO notification_preferences (user_id, event_type, in_app, email) VALUES (?, ?, ?, ?)")
            .bind(user_id)
            .bind(category.as_str())
            .bind(i64::from(*in_app))
            .bind(i64::from(*email))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// A rendered notice to store.
pub struct NewNotification<'a> {
    /// Recipient.
    pub user_id: &'a str,
    /// Event that caused it.
    pub event_id: &'a str,
    /// Category.
    pub category: Category,
    /// Title (plain text).
    pub title: &'a str,
    /// Body (plain text).
    pub body: &'a str,
    /// Where to look, if anywhere.
    pub link: Option<&'a str>,
}

/// Stores an in-app notification; returns its id.
pub async fn insert_notification(conn: &mut AnyConnection, n: &NewNotification<'_>) -> sqlx::Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO notifications (id, user_id, event_id, event_type, title, body, link, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(n.user_id)
    .bind(n.event_id)
    .bind(n.category.as_str())
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

/// An email to queue.
pub struct NewEmail<'a> {
    /// In-app twin, if the user has in-app on.
    pub notification_id: Option<&'a str>,
    /// Recipient account.
    pub user_id: &'a str,
    /// Address.
    pub to_address: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Plain-text part.
    pub text_body: &'a str,
    /// HTML part.
    pub html_body: &'a str,
    /// Alert-storm key, if limited.
    pub throttle_key: Option<&'a str>,
}

/// Queues an email as `pending`, due now.
pub async fn insert_email(conn: &mut AnyConnection, e: &NewEmail<'_>) -> sqlx::Result<String> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO email_outbox (id, notification_id, user_id, to_address, subject, text_body, html_body, status, \
         attempts, next_attempt_at, throttle_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
    )
    .bind(&id)
    .bind(e.notification_id)
    .bind(e.user_id)
    .bind(e.to_address)
    .bind(e.subject)
    .bind(e.text_body)
    .bind(e.html_body)
    .bind(now)
    .bind(e.throttle_key)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Whether an email with this storm key went to this user since `since`.
pub async fn emailed_since(conn: &mut AnyConnection, user_id: &str, key: &str, since: i64) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox WHERE user_id = ? AND throttle_key = ? AND created_at > ?",
    )
    .bind(user_id)
    .bind(key)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// One in-app notification.
#[derive(Clone, Debug, FromRow)]
pub struct Notification {
    /// Id.
    pub id: String,
    /// Category (stored form).
    pub event_type: String,
    /// Title.
    pub title: String,
    /// Body.
    #[sqlx(try_from = "DbText")]
    pub body: String,
    /// Link, if any.
    pub link: Option<String>,
    /// Creation time, UTC ms.
    pub created_at: i64,
    /// When read, if read.
    pub read_at: Option<i64>,
}

const NOTIFICATION: &str = "SELECT id, event_type, title, body, link, created_at, read_at FROM notifications";

/// Unread notifications of a user (indexed on `(user_id, read_at)`).
pub async fn unread_count(db: &Db, user_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(db.pool())
        .await
}

/// A page of a user's notifications, newest first, and their total.
pub async fn list(db: &Db, user_id: &str, limit: i64, offset: i64) -> sqlx::Result<(Vec<Notification>, i64)> {
    let rows =
        sqlx::query_as(&format!("{NOTIFICATION} WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"))
            .bind(user_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(db.pool())
            .await?;
    let total = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok((rows, total))
}

/// One of the user's notifications (None for someone else's).
pub async fn find_own(db: &Db, user_id: &str, id: &str) -> sqlx::Result<Option<Notification>> {
    sqlx::query_as(&format!("{NOTIFICATION} WHERE id = ? AND user_id = ?"))
        .bind(id)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await
}

/// Marks one of the user's notifications read; false when it is not theirs.
pub async fn mark_read(db: &Db, user_id: &str, id: &str) -> sqlx::Result<bool> {
    sqlx::query("UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(find_own(db, user_id, id).await?.is_some())
}

/// Marks every notification of the user read; returns how many changed.
pub async fn mark_all_read(db: &Db, user_id: &str) -> sqlx::Result<u64> {
    let done = sqlx::query("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
