//! Read-only aggregates over monitoring's tables for other contexts (analytics reads every
//! monitoring figure through these functions). Times are UTC milliseconds; ranges are half-open
//! `[from, to)`.
//!
//! **What counts.** Figures (KPIs, charts, per-type counts, recent feed) count only anomalies that
//! are not false alarms: [`COUNTED`] leaves out anomalies a proctor dismissed
//! (`review = 'dismissed'`), anomalies the server's re-verification rejected
//! (`verification = 'rejected'`), and the derived `high_risk_alert` (it summarises critical
//! anomalies already counted, as the proctor's panels do). The export page ([`page`]) returns
//! every anomaly, false alarms included, with its review and verification status (audit).

use sqlx::FromRow;

use crate::db::Db;

/// Condition on `m` (monitoring_anomalies) keeping the anomalies that count in figures.
pub const COUNTED: &str = "m.review <> 'dismissed' AND m.verification <> 'rejected' AND m.kind <> 'high_risk_alert'";

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Sessions: (total ever opened, active now).
pub async fn session_counts(db: &Db) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS SIGNED) \
         FROM monitoring_sessions",
    )
    .fetch_one(db.pool())
    .await
}

/// Counted anomalies detected in `[from, to)` grouped by `column` (`m.severity` or `m.kind`),
/// largest first, then by name.
async fn grouped(db: &Db, column: &str, from: i64, to: i64) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT {column}, COUNT(*) FROM monitoring_anomalies m WHERE m.detected_at >= ? AND m.detected_at < ? \
         AND {COUNTED} GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
    );
    sqlx::query_as(&sql).bind(from).bind(to).fetch_all(db.pool()).await
}

/// Counted anomalies in `[from, to)` per severity.
pub async fn by_severity(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<(String, i64)>> {
    grouped(db, "m.severity", from, to).await
}

/// Counted anomalies in `[from, to)` per type.
pub async fn by_kind(db: &Db, from: i64, to: i64) -> sqlx::Result<Vec<(String, i64)>> {
    grouped(db, "m.kind", from, to).await
}

/// Counted anomalies in `[from, to)` per hour of day (0–23, UTC).
pub async fn per_hour(db: &Db, from: i64, to: i64) -> sqlx::Result<[i64; 24]> {
    // Grouped by the hour's start (portable integer arithmetic); the hour of day is taken here.
    let sql = format!(
        "SELECT m.detected_at - m.detected_at % {HOUR_MS}, COUNT(*) FROM monitoring_anomalies m \
         WHERE m.detected_at >= ? AND m.detected_at < ? AND {COUNTED} GROUP BY m.detected_at - m.detected_at % {HOUR_MS}"
    );
    let rows: Vec<(i64, i64)> = sqlx::query_as(&sql).bind(from).bind(to).fetch_all(db.pool()).await?;
    Ok(hour_buckets(&rows))
}

/// Sums `(hour start, count)` rows into 24 hour-of-day buckets.
pub fn hour_buckets(rows: &[(i64, i64)]) -> [i64; 24] {
    let mut out = [0; 24];
    for &(start, n) in rows {
        let hour = usize::try_from(start.rem_euclid(DAY_MS) / HOUR_MS).unwrap_or(0);
        if let Some(slot) = out.get_mut(hour) {
            *slot += n;
        }
    }
    out
}

/// Counted anomalies per type for one exam's sessions.
pub async fn by_kind_for_exam(db: &Db, exam_id: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT m.kind, COUNT(*) FROM monitoring_anomalies m WHERE m.exam_id = ? AND {COUNTED} \
         GROUP BY m.kind ORDER BY COUNT(*) DESC, m.kind"
    );
    sqlx::query_as(&sql).bind(exam_id).fetch_all(db.pool()).await
}

/// Counted anomalies per type for one student's sessions.
pub async fn by_kind_for_student(db: &Db, student_id: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT m.kind, COUNT(*) FROM monitoring_anomalies m JOIN monitoring_sessions s ON s.id = m.session_id \
         WHERE s.student_id = ? AND {COUNTED} GROUP BY m.kind ORDER BY COUNT(*) DESC, m.kind"
    );
    sqlx::query_as(&sql).bind(student_id).fetch_all(db.pool()).await
}

/// Counted anomalies of sessions whose attempt is submitted.
pub async fn total_for_submitted_attempts(db: &Db) -> sqlx::Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM monitoring_anomalies m JOIN monitoring_sessions s ON s.id = m.session_id \
         WHERE s.attempt_submitted = 1 AND {COUNTED}"
    );
    sqlx::query_scalar(&sql).fetch_one(db.pool()).await
}

/// One anomaly with the student's name and exam title.
#[derive(Clone, Debug, FromRow)]
pub struct NamedAnomaly {
    /// Id.
    pub id: String,
    /// Detection time.
    pub detected_at: i64,
    /// Type.
    pub kind: String,
    /// Severity.
    pub severity: String,
    /// Verification status.
    pub verification: String,
    /// Proctor's review.
    pub review: String,
    /// Student.
    pub student_id: String,
    /// Student's name (from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// Exam.
    pub exam_id: String,
    /// Exam title (from the exams).
    #[sqlx(default)]
    pub exam_title: String,
    /// Attempt.
    pub attempt_id: String,
}

const NAMED_SELECT: &str = "SELECT m.id, m.detected_at, m.kind, m.severity, m.verification, m.review, \
     s.student_id, s.exam_id, s.attempt_id";

/// Names the student and the exam of each anomaly, one batch per owner (accounts, exams).
async fn named(db: &Db, mut rows: Vec<NamedAnomaly>) -> sqlx::Result<Vec<NamedAnomaly>> {
    let students: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    let exams: Vec<&str> = rows.iter().map(|r| r.exam_id.as_str()).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    let titles = crate::exams::queries::titles(db, &exams).await?;
    for row in &mut rows {
        row.student_name = names.get(&row.student_id).map(|(name, _)| name.clone()).unwrap_or_default();
        row.exam_title = titles.get(&row.exam_id).cloned().unwrap_or_default();
    }
    Ok(rows)
}

/// The most recent counted anomalies, newest first.
pub async fn recent(db: &Db, limit: i64) -> sqlx::Result<Vec<NamedAnomaly>> {
    let sql = format!(
        "{NAMED_SELECT} FROM (SELECT m.id, m.session_id, m.detected_at, m.kind, m.severity, m.verification, m.review \
               FROM monitoring_anomalies m WHERE {COUNTED} ORDER BY m.detected_at DESC, m.id DESC LIMIT ?) m \
         JOIN monitoring_sessions s ON s.id = m.session_id ORDER BY m.detected_at DESC, m.id DESC"
    );
    named(db, sqlx::query_as(&sql).bind(limit).fetch_all(db.pool()).await?).await
}

/// Every anomaly (false alarms included, for audit) detected in `[from, to)`, ordered by
/// `(detected_at, id)`, strictly after the keyset cursor `after`.
pub async fn page(
    db: &Db,
    from: i64,
    to: i64,
    after: Option<(i64, String)>,
    limit: i64,
) -> sqlx::Result<Vec<NamedAnomaly>> {
    let (after_at, after_id) = after.unwrap_or((i64::MIN, String::new()));
    // The page is chosen in the derived table by a range scan of `monitoring_anomalies_detected`
    // (InnoDB reads it in (detected_at, id) order; SQLite sorts within one millisecond), then
    // joined to its session. The session is LEFT JOINed on purpose: with an inner join MariaDB
    // (10.11) may estimate the derived table at the whole range, not the page, and drive the join
    // from the other side, re-reading every session for each page (see README, Analytics). A left
    // join keeps the page first; every anomaly has its session (foreign key), so the rows are the
    // same. Names and titles come from their owners, one batch per page.
    let sql = "SELECT m.id, m.detected_at, m.kind, m.severity, m.verification, m.review, \
         COALESCE(s.student_id, '') AS student_id, COALESCE(s.exam_id, '') AS exam_id, COALESCE(s.attempt_id, '') AS attempt_id \
         FROM (SELECT m.id, m.session_id, m.detected_at, m.kind, m.severity, m.verification, m.review \
               FROM monitoring_anomalies m WHERE m.detected_at >= ? AND m.detected_at < ? \
               AND (m.detected_at > ? OR m.id > ?) ORDER BY m.detected_at, m.id LIMIT ?) m \
         LEFT JOIN monitoring_sessions s ON s.id = m.session_id ORDER BY m.detected_at, m.id";
    // The cursor's time is the range's lower bound; the OR then skips the rows of that same
    // millisecond already sent.
    let rows = sqlx::query_as(sql)
        .bind(from.max(after_at))
        .bind(to)
        .bind(after_at)
        .bind(after_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    named(db, rows).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_buckets_fold_days_into_hours_of_day() {
        let rows = [(0, 2), (5 * HOUR_MS, 1), (DAY_MS + 5 * HOUR_MS, 3), (DAY_MS + 23 * HOUR_MS, 4)];
        let got = hour_buckets(&rows);
        assert_eq!(got[0], 2);
        assert_eq!(got[5], 4);
        assert_eq!(got[23], 4);
        assert_eq!(got.iter().sum::<i64>(), 10);
    }

    #[test]
    fn nightly_batch_jobs_count_what_the_dashboard_counts() {
        assert_eq!(COUNTED, proctorwise_batch::input::COUNTED, "the batch jobs and the dashboard disagree");
    }
}
