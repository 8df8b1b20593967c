//! Every monitoring figure analytics shows (sessions, anomalies) comes from this one module, which
//! reads them through the monitoring context's own query module ([`crate::monitoring::panels::stats`]).
//! Times are UTC milliseconds; ranges are half-open `[from, to)`.
//!
//! **False alarms do not count.** KPIs, charts, per-type counts and the recent feed leave out
//! anomalies a proctor dismissed (`review = 'dismissed'`) and anomalies the server's
//! re-verification rejected (`verification = 'rejected'`), as well as the derived
//! `high_risk_alert` (it repeats critical anomalies already counted). The anomalies CSV export
//! ([`page`]) lists every anomaly, false alarms included, with its `review` and `verification`
//! columns, for audit.

use crate::db::Db;

pub use crate::monitoring::explain::ExplainedAnomaly;
use crate::monitoring::panels::stats::{self, NamedAnomaly};

/// Whether monitoring data exists in this build (the monitoring context is wired in).
pub fn available() -> bool {
    true
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
    /// Server re-verification (`not_needed`, `pending`, `confirmed`, `rejected`, `unavailable`).
    pub verification: String,
    /// Proctor's review (`pending`, `confirmed`, `dismissed`).
    pub review: String,
}

impl From<NamedAnomaly> for AnomalyRow {
    fn from(a: NamedAnomaly) -> Self {
        Self {
            id: a.id,
            detected_at: a.detected_at,
            kind: a.kind,
            severity: a.severity,
            student_name: a.student_name,
            exam_title: a.exam_title,
            attempt_id: a.attempt_id,
            verification: a.verification,
            review: a.review,
        }
    }
}

/// Session counts.
pub async fn sessions(db: &Db, _now: i64) -> sqlx::Result<SessionCounts> {
    let (total, active) = stats::session_counts(db).await?;
    Ok(SessionCounts { total, active })
}

/// Counted anomalies detected in `[from, to)` per severity.
pub async fn by_severity(db: &Db, from: i64, to: i64) -> sqlx::Result<BySeverity> {
    stats::by_severity(db, from, to).await
}

/// Counted anomalies detected in `[from, to)`, per hour of day (index 0–23, UTC).
pub async fn per_hour(db: &Db, from: i64, to: i64) -> sqlx::Result<[i64; 24]> {
    stats::per_hour(db, from, to).await
}

/// Counted anomalies in `[from, to)` per type (every exam).
pub async fn by_type(db: &Db, from: i64, to: i64) -> sqlx::Result<ByType> {
    stats::by_kind(db, from, to).await
}

/// Counted anomalies per type for one exam's attempts.
pub async fn by_type_for_exam(db: &Db, exam_id: &str) -> sqlx::Result<ByType> {
    stats::by_kind_for_exam(db, exam_id).await
}

/// How many explained anomalies an exam report lists at most.
pub const EXPLAINED_LIMIT: i64 = 500;

/// The confirmed anomalies of an exam's attempts (not dismissed, not rejected), oldest first,
/// with their evidence frames' verdicts, for the report's explanations.
pub async fn explained_for_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<ExplainedAnomaly>> {
    crate::monitoring::explain::queries::confirmed_of_exam(db, exam_id, EXPLAINED_LIMIT).await
}

/// Counted anomalies per type for one student's attempts.
pub async fn by_type_for_user(db: &Db, user_id: &str) -> sqlx::Result<ByType> {
    stats::by_kind_for_student(db, user_id).await
}

/// Counted anomalies over submitted attempts, for the "anomalies per attempt" average.
pub async fn total_for_submitted_attempts(db: &Db) -> sqlx::Result<i64> {
    stats::total_for_submitted_attempts(db).await
}

/// The most recent counted anomalies, newest first.
pub async fn recent(db: &Db, limit: i64) -> sqlx::Result<Vec<AnomalyRow>> {
    Ok(stats::recent(db, limit).await?.into_iter().map(AnomalyRow::from).collect())
}

/// A page of anomalies detected in `[from, to)` — every one, false alarms included (audit) —
/// ordered by (detected_at, id), strictly after the keyset cursor `after`; the streamed CSV
/// export reads them page by page.
pub async fn page(
    db: &Db,
    from: i64,
    to: i64,
    after: Option<(i64, String)>,
    limit: i64,
) -> sqlx::Result<Vec<AnomalyRow>> {
    Ok(stats::page(db, from, to, after, limit).await?.into_iter().map(AnomalyRow::from).collect())
}
