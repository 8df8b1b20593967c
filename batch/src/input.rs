//! Job inputs: every row of a window read from the application database (streamed queries, no
//! LIMIT) and staged as Parquet files in a private temporary folder, so the jobs scan them lazily
//! and nothing but a chunk of rows per reader sits in memory while reading.
//!
//! Reading is the bulk of a job's time, so it is done the fast way ([`crate::reader`]): the
//! window is cut into time slices read in parallel, each on its own native connection.
//!
//! The SQL of each input is here and nowhere else. Anomalies come from the monitoring context's
//! tables: `monitoring_anomalies` (kind, severity, `detected_at` in UTC ms, confidence in
//! permille, and the session's exam and student, copied onto each anomaly so that a window is
//! one range scan of `detected_at`, without a session lookup per row). Only anomalies that count are read
//! ([`COUNTED`], the same filter as the admin dashboard): false alarms a proctor dismissed or the
//! server's re-verification rejected, and the derived `high_risk_alert`, are left out.

use anyhow::Context;
use sqlx::AnyPool;

use crate::progress::Progress;
pub use crate::reader::Staged;
use crate::reader::{self, Kind};
use crate::window::Window;

/// Anomalies that count (alias `m` for `monitoring_anomalies`). The server's monitoring stats
/// use the very same condition; a server test checks that they agree.
pub const COUNTED: &str = "m.review <> 'dismissed' AND m.verification <> 'rejected' AND m.kind <> 'high_risk_alert'";

/// The day's (or month's) anomalies that count, with their student.
pub fn anomalies_sql() -> String {
    format!(
        "SELECT m.exam_id, m.student_id AS user_id, m.kind, m.severity, m.detected_at, \
         m.confidence_permille AS confidence FROM monitoring_anomalies m \
         WHERE m.detected_at >= ? AND m.detected_at < ? AND {COUNTED}"
    )
}

const ANOMALY_COLUMNS: &[(&str, Kind)] = &[
    ("exam_id", Kind::Text),
    ("user_id", Kind::Text),
    ("kind", Kind::Text),
    ("severity", Kind::Text),
    ("detected_at", Kind::Int),
    ("confidence", Kind::Permille),
];

/// Submitted attempts of the window; `graded_only` keeps graded ones (weekly job). `graded_by`
/// is `mixed` when a person graded any answer, else `auto` (the prototype's values).
pub fn submissions_sql(graded_only: bool) -> String {
    format!(
        "SELECT t.id AS attempt_id, t.student_id AS user_id, t.exam_id, t.submitted_at, t.graded_at, \
         t.score_hundredths, t.max_score_hundredths, t.passed, \
         CASE WHEN EXISTS (SELECT 1 FROM answers g WHERE g.attempt_id = t.id AND g.graded_by IS NOT NULL) \
         THEN 'mixed' ELSE 'auto' END AS graded_by \
         FROM attempts t WHERE t.status = 'submitted'{} AND t.submitted_at >= ? AND t.submitted_at < ?",
        if graded_only { " AND t.grading_status = 'graded'" } else { "" }
    )
}

const SUBMISSION_COLUMNS: &[(&str, Kind)] = &[
    ("attempt_id", Kind::Text),
    ("user_id", Kind::Text),
    ("exam_id", Kind::Text),
    ("submitted_at", Kind::Int),
    ("graded_at", Kind::Int),
    ("score_hundredths", Kind::Int),
    ("max_score_hundredths", Kind::Int),
    ("passed", Kind::Int),
    ("graded_by", Kind::Text),
];

/// Answers of the graded attempts submitted in the window, with their question's kind and points.
pub const ANSWERS_SQL: &str = "SELECT a.question_id, q.kind AS question_type, a.score_hundredths, \
     q.points_hundredths FROM answers a JOIN attempts t ON t.id = a.attempt_id \
     JOIN questions q ON q.id = a.question_id \
     WHERE t.status = 'submitted' AND t.grading_status = 'graded' AND t.submitted_at >= ? AND t.submitted_at < ?";

const ANSWER_COLUMNS: &[(&str, Kind)] = &[
    ("question_id", Kind::Text),
    ("question_type", Kind::Text),
    ("score_hundredths", Kind::Int),
    ("points_hundredths", Kind::Int),
];

/// The anomalies detected in `window`.
pub async fn anomalies(pool: &AnyPool, window: Window, progress: &Progress) -> anyhow::Result<Staged> {
    reader::stage(pool, &anomalies_sql(), window, ANOMALY_COLUMNS, progress).await.context("reading anomalies")
}

/// The attempts submitted in `window` (only graded ones when `graded_only`).
pub async fn submissions(
    pool: &AnyPool,
    window: Window,
    graded_only: bool,
    progress: &Progress,
) -> anyhow::Result<Staged> {
    reader::stage(pool, &submissions_sql(graded_only), window, SUBMISSION_COLUMNS, progress)
        .await
        .context("reading attempts")
}

/// The answers of graded attempts submitted in `window`.
pub async fn answers(pool: &AnyPool, window: Window, progress: &Progress) -> anyhow::Result<Staged> {
    reader::stage(pool, ANSWERS_SQL, window, ANSWER_COLUMNS, progress).await.context("reading answers")
}
