//! Every monitoring figure analytics shows (sessions, anomalies) comes from this one module.
//!
//! **Issue 5 fills it.** The monitoring context (its sessions and anomalies tables, migration
//! 0009) is not merged yet, so each function below returns the honest empty answer: zero sessions,
//! no anomaly. Pages then say "no monitoring data yet" instead of inventing figures. When
//! monitoring lands, replace each body with a call to the monitoring context's read functions
//! (or its SQL), keeping these signatures; [`available`] then returns `true`, and nothing else in
//! analytics changes. Times are UTC milliseconds; ranges are half-open `[from, to)`.

use crate::db::Db;

/// Whether monitoring data exists in this build (false until issue 5 is wired in).
pub fn available() -> bool {
    false
}

/// Monitoring sessions: total and active right now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionCounts {
    /// Every monitoring session ever opened.
    pub total: i64,
    /// Sessions open now.
    pub active: i64,
}

/// Anomalies per severity (`critical`, `high`, `medium`, `low` as monitoring names them).
pub type BySeverity = Vec<(String, i64)>;

/// Counts per anomaly type (e.g. `no_face`, `multiple_faces`, `phone`), largest first.
pub type ByType = Vec<(String, i64)>;

/// One anomaly with the names a report shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnomalyRow {
    /// Anomaly id.
    pub id: String,
    /// When it was detected (UTC ms).
    pub detected_at: i64,
    /// Type.
    pub kind: String,
    /// Severity.
    pub severity: String,
    /// Student's name.
    pub student_name: String,
    /// Exam title.
    pub exam_title: String,
    /// Attempt it belongs to.
    pub attempt_id: String,
}

/// Session counts.
pub async fn sessions(_db: &Db, _now: i64) -> sqlx::Result<SessionCounts> {
    Ok(SessionCounts::default())
}

/// Anomalies detected in `[from, to)` per severity.
pub async fn by_severity(_db: &Db, _from: i64, _to: i64) -> sqlx::Result<BySeverity> {
    Ok(Vec::new())
}

/// Anomalies detected in `[from, to)`, counted per hour of day (index 0–23, UTC).
pub async fn per_hour(_db: &Db, _from: i64, _to: i64) -> sqlx::Result<[i64; 24]> {
    Ok([0; 24])
}

/// Anomalies in `[from, to)` per type (every exam).
pub async fn by_type(_db: &Db, _from: i64, _to: i64) -> sqlx::Result<ByType> {
    Ok(Vec::new())
}

/// Anomalies per type for one exam's attempts.
pub async fn by_type_for_exam(_db: &Db, _exam_id: &str) -> sqlx::Result<ByType> {
    Ok(Vec::new())
}

/// Anomalies per type for one student's attempts.
pub async fn by_type_for_user(_db: &Db, _user_id: &str) -> sqlx::Result<ByType> {
    Ok(Vec::new())
}

/// Total anomalies over submitted attempts, for the "anomalies per attempt" average.
pub async fn total_for_submitted_attempts(_db: &Db) -> sqlx::Result<i64> {
    Ok(0)
}

/// The most recent anomalies, newest first.
pub async fn recent(_db: &Db, _limit: i64) -> sqlx::Result<Vec<AnomalyRow>> {
    Ok(Vec::new())
}

/// A page of anomalies detected in `[from, to)`, ordered by (detected_at, id), strictly after
/// the keyset cursor `after` — the streamed CSV export reads them page by page.
pub async fn page(
    _db: &Db,
    _from: i64,
    _to: i64,
    _after: Option<(i64, String)>,
    _limit: i64,
) -> sqlx::Result<Vec<AnomalyRow>> {
    Ok(Vec::new())
}
