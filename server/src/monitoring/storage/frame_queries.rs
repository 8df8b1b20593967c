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
    /// Capture time on the server's clock (orders the server's observations).
    pub observed_at: i64,
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
    /// Why the server has it: `flagged`, `unanalysed`, `follow_up` or `sample`.
    pub purpose: &'a str,
    /// Whether the server also checks its objects (false: faces only).
    pub checked_objects: bool,
    /// `not_needed`, `queued` or `pending`.
    pub verification: &'a str,
    /// This replica's claim (replica id, expiry) when queued.
    pub claimed: Option<(&'a str, i64)>,
}

/// Inserts a frame row on the caller's transaction.
pub async fn insert(conn: &mut AnyConnection, f: &NewFrame<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO monitoring_frames (id, session_id, n, seq, captured_at, received_at, observed_at, storage_key, \
         bytes, width, height, client_result, flagged, purpose, checked_objects, verification, claimed_until, claimed_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(f.id)
    .bind(f.session_id)
    .bind(f.n)
    .bind(f.seq)
    .bind(f.captured_at)
    .bind(f.received_at)
    .bind(f.observed_at)
    .bind(f.storage_key)
    .bind(f.bytes)
    .bind(f.width)
    .bind(f.height)
    .bind(f.client_result)
    .bind(i64::from(f.flagged))
    .bind(f.purpose)
    .bind(i64::from(f.checked_objects))
    .bind(f.verification)
    .bind(f.claimed.map(|c| c.1))
    .bind(f.claimed.map(|c| c.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a picture of the session waits for the server's analysis.
pub async fn waiting(conn: &mut AnyConnection, session_id: &str) -> sqlx::Result<bool> {
    let first: Option<String> = sqlx::query_scalar(
        "SELECT id FROM monitoring_frames WHERE session_id = ? AND verification IN ('queued', 'pending') LIMIT 1",
    )
    .bind(session_id)
    .fetch_optional(conn)
    .await?;
    Ok(first.is_some())
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
pub async fn claim(db: &Db, id: &str, replica: &str, now: i64, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE monitoring_frames SET verification = 'queued', claimed_until = ?, claimed_by = ? WHERE id = ? \
         AND (verification = 'pending' OR (verification = 'queued' AND claimed_until < ?))",
    )
    .bind(until)
    .bind(replica)
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Extends this replica's claims on the frames still in its queue (so that no other sweeper
/// queues them again while they wait); returns how many were extended.
pub async fn renew(db: &Db, replica: &str, ids: &[String], until: i64) -> sqlx::Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(200) {
        let marks = crate::db::placeholders(chunk.len());
        let sql = format!(
            "UPDATE monitoring_frames SET claimed_until = ? WHERE verification = 'queued' AND claimed_by = ? AND id IN ({marks})"
        );
        let mut q = sqlx::query(&sql).bind(until).bind(replica);
        for id in chunk {
            q = q.bind(id);
        }
        n += q.execute(db.pool()).await?.rows_affected();
    }
    Ok(n)
}

/// Takes a queued frame for analysis: true when this replica still holds its claim (another
/// replica may have queued it again after the claim expired: then only one analyses it).
pub async fn take(db: &Db, id: &str, replica: &str, now: i64, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE monitoring_frames SET claimed_until = ? WHERE id = ? AND verification = 'queued' AND claimed_by = ? \
         AND claimed_until >= ?",
    )
    .bind(until)
    .bind(id)
    .bind(replica)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Frames a previous run of this replica had queued go back to pending at start-up.
pub async fn release_replica(db: &Db, replica: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE monitoring_frames SET verification = 'pending', claimed_until = NULL, claimed_by = NULL \
         WHERE verification = 'queued' AND claimed_by = ?",
    )
    .bind(replica)
    .execute(db.pool())
    .await?
    .rows_affected())
}

/// Gives a claimed frame back (the queue was full after all).
pub async fn unclaim(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE monitoring_frames SET verification = 'pending', claimed_until = NULL, claimed_by = NULL \
         WHERE id = ? AND verification = 'queued'",
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
    /// Whether the browser flagged it.
    pub flagged: i64,
    /// Why the server has it (`flagged`, `unanalysed`, `follow_up`, `sample`).
    pub purpose: String,
    /// Whether its objects are checked too (0: faces only).
    pub checked_objects: i64,
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
        "SELECT id, session_id, storage_key, received_at, client_result, flagged, purpose, checked_objects FROM monitoring_frames \
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

/// Frames waiting for verification with no live claim (for `/metrics`): pending, or queued by
/// a claim that expired (a replica that stopped).
pub async fn pending_count(db: &Db, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM monitoring_frames WHERE verification = 'pending' \
         OR (verification = 'queued' AND claimed_until < ?)",
    )
    .bind(now)
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
