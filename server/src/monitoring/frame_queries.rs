//! SQL of stored frames: insertion, the verification claim cycle, access and retention.

use sqlx::{AnyConnection, FromRow};

use crate::db::{Db, DbText};

/// A frame to insert with its session's change.
pub struct NewFrame<'a> {
    /// Id.
    pub id: &'a str,
    /// Session.
    pub session_id: &'a str,
    /// Server's number of the frame in its session (file name).
    pub n: i64,
    /// Browser's sequence number.
    pub seq: i64,
    /// Browser's capture time.
    pub captured_at: i64,
    /// Server's reception time.
    pub received_at: i64,
    /// Storage key.
    pub storage_key: &'a str,
    /// JPEG size.
    pub bytes: i64,
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
    /// The browser's verdict (JSON) when it analysed the frame.
    pub client_result: Option<&'a str>,
    /// Whether the browser flagged it.
    pub flagged: bool,
    /// `not_needed`, `queued` or `pending`.
    pub verification: &'a str,
    /// Claim expiry when queued.
    pub claimed_until: Option<i64>,
}

/// Inserts a frame row on the caller's transaction.
pub async fn insert(conn: &mut AnyConnection, f: &NewFrame<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO monitoring_frames (id, session_id, n, seq, captured_at, received_at, storage_key, bytes, width, \
         height, client_result, flagged, verification, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(f.id)
    .bind(f.session_id)
    .bind(f.n)
    .bind(f.seq)
    .bind(f.captured_at)
    .bind(f.received_at)
    .bind(f.storage_key)
    .bind(f.bytes)
    .bind(f.width)
    .bind(f.height)
    .bind(f.client_result)
    .bind(i64::from(f.flagged))
    .bind(f.verification)
    .bind(f.claimed_until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Frames waiting for verification (pending, or queued by a claim that expired), oldest first.
pub async fn claimable(db: &Db, now: i64, limit: usize) -> sqlx::Result<Vec<String>> {
    let sql = format!(
        "SELECT id FROM monitoring_frames WHERE verification = 'pending' \
         OR (verification = 'queued' AND claimed_until < ?) ORDER BY received_at LIMIT {}",
        limit.clamp(1, 500)
    );
    sqlx::query_scalar(&sql).bind(now).fetch_all(db.pool()).await
}

/// Claims a frame for this replica's queue (a conditional update: one replica wins).
pub async fn claim(db: &Db, id: &str, now: i64, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE monitoring_frames SET verification = 'queued', claimed_until = ? WHERE id = ? \
         AND (verification = 'pending' OR (verification = 'queued' AND claimed_until < ?))",
    )
    .bind(until)
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a claimed frame back (the queue was full after all).
pub async fn unclaim(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE monitoring_frames SET verification = 'pending', claimed_until = NULL WHERE id = ? AND verification = 'queued'",
    )
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A frame as the verification worker reads it.
#[derive(Clone, Debug, FromRow)]
pub struct FrameForCheck {
    /// Id.
    pub id: String,
    /// Session.
    pub session_id: String,
    /// Storage key.
    pub storage_key: Option<String>,
    /// Reception time.
    pub received_at: i64,
    /// Browser verdict, if the browser analysed it.
    #[sqlx(try_from = "OptText")]
    pub client_result: Option<String>,
}

/// Optional long text (MariaDB returns TEXT as a blob).
#[derive(Clone, Debug, Default)]
pub struct OptText(pub Option<String>);

impl sqlx::Type<sqlx::Any> for OptText {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <DbText as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <DbText as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for OptText {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <Option<DbText> as sqlx::Decode<sqlx::Any>>::decode(value).map(|t| OptText(t.map(|t| t.0)))
    }
}

impl From<OptText> for Option<String> {
    fn from(t: OptText) -> Self {
        t.0
    }
}

/// A frame still waiting for verification.
pub async fn for_verification(db: &Db, id: &str) -> sqlx::Result<Option<FrameForCheck>> {
    sqlx::query_as(
        "SELECT id, session_id, storage_key, received_at, client_result FROM monitoring_frames \
         WHERE id = ? AND verification IN ('queued', 'pending')",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

/// The analysis could not run (frame missing, analyzer error): kept, marked, linked anomalies unverifiable.
pub async fn mark_failed(db: &Db, id: &str) -> sqlx::Result<()> {
    let mut tx = db.pool().begin().await?;
    sqlx::query("UPDATE monitoring_frames SET verification = 'failed', claimed_until = NULL WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE monitoring_anomalies SET verification = 'unavailable', updated_at = ? WHERE frame_id = ? AND verification = 'pending'",
    )
    .bind(crate::db::now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Frames stored as pending verification (for `/metrics`).
pub async fn pending_count(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM monitoring_frames WHERE verification = 'pending'")
        .fetch_one(db.pool())
        .await
}

/// A frame as its readers need it: the session's owner and exam (for access) and where it is.
#[derive(Clone, Debug, FromRow)]
pub struct FrameAccess {
    /// Storage key (None once purged or never written).
    pub storage_key: Option<String>,
    /// Session's student.
    pub student_id: String,
    /// Session's exam.
    pub exam_id: String,
}

/// Who may read a frame, and where it is.
pub async fn access(db: &Db, frame_id: &str) -> sqlx::Result<Option<FrameAccess>> {
    sqlx::query_as(
        "SELECT f.storage_key, s.student_id, s.exam_id FROM monitoring_frames f \
         JOIN monitoring_sessions s ON s.id = f.session_id WHERE f.id = ?",
    )
    .bind(frame_id)
    .fetch_optional(db.pool())
    .await
}

/// Frames older than `before` still on storage: (id, key).
pub async fn expired(db: &Db, before: i64, limit: i64) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT id, storage_key FROM monitoring_frames WHERE received_at < ? AND storage_key IS NOT NULL \
         ORDER BY received_at LIMIT ?",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Records that a frame's file was deleted (retention) or could not be written.
pub async fn forget_file(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE monitoring_frames SET storage_key = NULL WHERE id = ?").bind(id).execute(db.pool()).await?;
    Ok(())
}
