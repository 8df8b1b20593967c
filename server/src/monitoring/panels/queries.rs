//! SQL of the proctor's panels. Every query is scoped to what the caller may watch: an admin
//! everything, a proctor the exams assigned to them and the exams nobody is assigned to.

use sqlx::FromRow;

use crate::accounts::model::{Role, User};
use crate::db::{Db, DbText};
use crate::monitoring::model::Severity;
use crate::monitoring::storage::frame_queries::OptText;

/// The caller's watch scope.
#[derive(Clone, Debug)]
pub struct Scope {
    all: bool,
    proctor_id: String,
}

impl Scope {
    /// Scope of a proctor or admin.
    pub fn of(user: &User) -> Self {
        Self { all: user.role == Role::Admin, proctor_id: user.id.clone() }
    }

    /// `(all, proctor)` binds for [`SCOPE_SQL`].
    fn binds(&self) -> (i64, &str) {
        (i64::from(self.all), &self.proctor_id)
    }
}

/// Condition on `s.exam_id` taking two binds: all (0/1) and the proctor's id.
const SCOPE_SQL: &str = "(? = 1 OR NOT EXISTS (SELECT 1 FROM exam_proctors ep WHERE ep.exam_id = s.exam_id) \
     OR EXISTS (SELECT 1 FROM exam_proctors ep WHERE ep.exam_id = s.exam_id AND ep.proctor_id = ?))";

const COUNT_SQL: &str = "(SELECT COUNT(*) FROM monitoring_anomalies m WHERE m.session_id = s.id AND m.severity = ? \
     AND m.review <> 'dismissed' AND m.kind <> 'high_risk_alert')";

/// A session as the panels list it.
#[derive(Clone, Debug, FromRow)]
pub struct SessionRow {
    /// Id.
    pub id: String,
    /// Attempt (none for the session of a camera refused before the start).
    pub attempt_id: Option<String>,
    /// Exam.
    pub exam_id: String,
    /// Exam title (from the exams).
    #[sqlx(default)]
    pub exam_title: String,
    /// Student.
    pub student_id: String,
    /// Student name (from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// `active` or `stopped`.
    pub status: String,
    /// Start.
    pub started_at: i64,
    /// End.
    pub stopped_at: Option<i64>,
    /// Why it ended.
    pub stop_reason: Option<String>,
    /// The proctor's note.
    pub stop_note: Option<String>,
    /// The attempt's deadline.
    pub deadline_at: i64,
    /// Frames (verdicts) received.
    pub frames: i64,
    /// Last frame.
    pub last_frame_at: Option<i64>,
    /// Risk score 0..=100.
    pub risk_score: i64,
    /// When a proctor marked it reviewed.
    pub reviewed_at: Option<i64>,
    /// 0 when the browser's detector could not run.
    pub client_detector: i64,
    /// Critical anomalies not dismissed.
    pub critical: i64,
    /// High.
    pub high: i64,
    /// Medium.
    pub medium: i64,
    /// Low.
    pub low: i64,
    /// A flagged frame of the session waits for the server (a transient, neutral state).
    #[sqlx(skip)]
    pub checking: bool,
}

fn session_select(filter: &str) -> String {
    format!(
        "SELECT s.id, s.attempt_id, s.exam_id, s.student_id, s.status, s.started_at, \
         s.stopped_at, s.stop_reason, s.stop_note, COALESCE(s.deadline_at, s.started_at) AS deadline_at, s.frames, s.last_frame_at, s.risk_score, \
         s.reviewed_at, s.client_detector, {COUNT_SQL} AS critical, {COUNT_SQL} AS high, {COUNT_SQL} AS medium, \
         {COUNT_SQL} AS low FROM monitoring_sessions s WHERE {SCOPE_SQL} AND {filter}"
    )
}

fn with_counts<'q>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, SessionRow, sqlx::any::AnyArguments<'q>>,
    scope: &'q Scope,
) -> sqlx::query::QueryAs<'q, sqlx::Any, SessionRow, sqlx::any::AnyArguments<'q>> {
    let (all, proctor) = scope.binds();
    q.bind(Severity::Critical.as_str())
        .bind(Severity::High.as_str())
        .bind(Severity::Medium.as_str())
        .bind(Severity::Low.as_str())
        .bind(all)
        .bind(proctor)
}

/// The riskiest `limit` active sessions (the panel's rows; `Stats::active` counts them all).
pub async fn active(db: &Db, scope: &Scope, limit: usize) -> sqlx::Result<Vec<SessionRow>> {
    let sql = session_select("s.status = 'active'") + " ORDER BY s.risk_score DESC, s.started_at, s.id LIMIT ?";
    let rows = with_counts(sqlx::query_as(&sql), scope)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(db.pool())
        .await?;
    mark_checking(db, rows).await
}

/// Names the student and the exam of each row (the accounts and the exams own them).
async fn named<R: Named>(db: &Db, mut rows: Vec<R>) -> sqlx::Result<Vec<R>> {
    let students: Vec<&str> = rows.iter().map(|r| r.ids().0).collect();
    let exams: Vec<&str> = rows.iter().map(|r| r.ids().1).collect();
    let names = crate::accounts::queries::names(db, &students).await?;
    let titles = crate::exams::queries::titles(db, &exams).await?;
    for row in &mut rows {
        let (student, exam) = row.ids();
        let name = names.get(student).map(|(name, _)| name.clone()).unwrap_or_default();
        let title = titles.get(exam).cloned().unwrap_or_default();
        row.set_names(name, title);
    }
    Ok(rows)
}

/// A row that shows a student's name and an exam's title.
trait Named {
    /// (student id, exam id).
    fn ids(&self) -> (&str, &str);
    /// Sets the student's name and the exam's title.
    fn set_names(&mut self, student_name: String, exam_title: String);
}

impl Named for SessionRow {
    fn ids(&self) -> (&str, &str) {
        (&self.student_id, &self.exam_id)
    }

    fn set_names(&mut self, student_name: String, exam_title: String) {
        (self.student_name, self.exam_title) = (student_name, exam_title);
    }
}

impl Named for AnomalyRow {
    fn ids(&self) -> (&str, &str) {
        (&self.student_id, &self.exam_id)
    }

    fn set_names(&mut self, student_name: String, exam_title: String) {
        (self.student_name, self.exam_title) = (student_name, exam_title);
    }
}

/// Sets `checking` on the sessions whose flagged frames wait for the server, and names them.
async fn mark_checking(db: &Db, rows: Vec<SessionRow>) -> sqlx::Result<Vec<SessionRow>> {
    let mut rows = named(db, rows).await?;
    if !rows.is_empty() {
        let checking = crate::monitoring::explain::queries::being_checked(db).await?;
        for r in &mut rows {
            r.checking = checking.contains(&r.id);
        }
    }
    Ok(rows)
}

/// One session, if in scope.
pub async fn session(db: &Db, scope: &Scope, id: &str) -> sqlx::Result<Option<SessionRow>> {
    let sql = session_select("s.id = ?");
    let row = with_counts(sqlx::query_as(&sql), scope).bind(id).fetch_optional(db.pool()).await?;
    Ok(mark_checking(db, row.into_iter().collect()).await?.pop())
}

/// History filters.
#[derive(Clone, Debug, Default)]
pub struct HistoryFilter {
    /// Only this exam.
    pub exam_id: Option<String>,
    /// Started in [from, to).
    pub day: Option<(i64, i64)>,
    /// Minimum risk score.
    pub min_risk: i64,
}

/// Sessions of the past (and present), newest first.
pub async fn history(db: &Db, scope: &Scope, f: &HistoryFilter) -> sqlx::Result<Vec<SessionRow>> {
    let sql =
        session_select("(? = '' OR s.exam_id = ?) AND s.started_at >= ? AND s.started_at < ? AND s.risk_score >= ?")
            + " ORDER BY s.started_at DESC LIMIT 200";
    let exam = f.exam_id.clone().unwrap_or_default();
    let (from, to) = f.day.unwrap_or((0, i64::MAX));
    let rows = with_counts(sqlx::query_as(&sql), scope)
        .bind(exam.clone())
        .bind(exam)
        .bind(from)
        .bind(to)
        .bind(f.min_risk)
        .fetch_all(db.pool())
        .await?;
    named(db, rows).await
}

/// Figures of the stats bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Active sessions.
    pub active: i64,
    /// Sessions started today (UTC).
    pub today: i64,
    /// Anomalies today, not dismissed.
    pub anomalies_today: i64,
    /// Critical anomalies today, not dismissed.
    pub critical_today: i64,
}

/// The stats bar, from `midnight` (UTC ms) on.
pub async fn stats(db: &Db, scope: &Scope, midnight: i64) -> sqlx::Result<Stats> {
    let (all, proctor) = scope.binds();
    let sessions = format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN s.status = 'active' THEN 1 ELSE 0 END), 0) AS SIGNED), \
         CAST(COALESCE(SUM(CASE WHEN s.started_at >= ? THEN 1 ELSE 0 END), 0) AS SIGNED) \
         FROM monitoring_sessions s WHERE {SCOPE_SQL} AND (s.status = 'active' OR s.started_at >= ?)"
    );
    let (active, today): (i64, i64) =
        sqlx::query_as(&sessions).bind(midnight).bind(all).bind(proctor).bind(midnight).fetch_one(db.pool()).await?;
    let anomalies = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN m.severity = 'critical' THEN 1 ELSE 0 END), 0) AS SIGNED) \
         FROM monitoring_anomalies m JOIN monitoring_sessions s ON s.id = m.session_id \
         WHERE m.detected_at >= ? AND m.review <> 'dismissed' AND m.kind <> 'high_risk_alert' AND {SCOPE_SQL}"
    );
    let (anomalies_today, critical_today): (i64, i64) =
        sqlx::query_as(&anomalies).bind(midnight).bind(all).bind(proctor).fetch_one(db.pool()).await?;
    Ok(Stats { active, today, anomalies_today, critical_today })
}

/// An anomaly as panels show it.
#[derive(Clone, Debug, FromRow)]
pub struct AnomalyRow {
    /// Id.
    pub id: String,
    /// Session.
    pub session_id: String,
    /// Type.
    pub kind: String,
    /// Severity.
    pub severity: String,
    /// Method.
    pub method: String,
    /// Confidence per mille.
    pub confidence_permille: i64,
    /// Details (JSON).
    #[sqlx(try_from = "DbText")]
    pub details: String,
    /// Evidence frame.
    pub frame_id: Option<String>,
    /// Episode start.
    pub started_at: i64,
    /// Emission.
    pub detected_at: i64,
    /// Episode end.
    pub ended_at: Option<i64>,
    /// Verification.
    pub verification: String,
    /// Review.
    pub review: String,
    /// Reviewer's note.
    pub review_note: Option<String>,
    /// Last change.
    pub updated_at: i64,
    /// Student.
    pub student_id: String,
    /// Student's name (feeds; from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// Exam.
    pub exam_id: String,
    /// Exam title (feeds; from the exams).
    #[sqlx(default)]
    pub exam_title: String,
    /// The evidence frame's browser verdict.
    #[sqlx(try_from = "OptText")]
    pub client_result: Option<String>,
    /// The evidence frame's server detections.
    #[sqlx(try_from = "OptText")]
    pub server_result: Option<String>,
}

const ANOMALY_SELECT: &str = "SELECT m.id, m.session_id, m.kind, m.severity, m.method, m.confidence_permille, m.details, \
     m.frame_id, m.started_at, m.detected_at, m.ended_at, m.verification, m.review, m.review_note, m.updated_at, \
     s.student_id, s.exam_id, f.client_result, f.server_result FROM monitoring_anomalies m \
     JOIN monitoring_sessions s ON s.id = m.session_id LEFT JOIN monitoring_frames f ON f.id = m.frame_id";

/// A session's anomalies, newest first.
pub async fn anomalies_of(db: &Db, session_id: &str) -> sqlx::Result<Vec<AnomalyRow>> {
    let sql = format!("{ANOMALY_SELECT} WHERE m.session_id = ? ORDER BY m.detected_at DESC, m.id LIMIT 500");
    named(db, sqlx::query_as(&sql).bind(session_id).fetch_all(db.pool()).await?).await
}

/// Recent anomalies across every session in scope (the alerts feed), newest first.
pub async fn recent_alerts(db: &Db, scope: &Scope, since: i64, limit: i64) -> sqlx::Result<Vec<AnomalyRow>> {
    let (all, proctor) = scope.binds();
    let sql =
        format!("{ANOMALY_SELECT} WHERE m.detected_at > ? AND {SCOPE_SQL} ORDER BY m.detected_at DESC, m.id LIMIT ?");
    named(db, sqlx::query_as(&sql).bind(since).bind(all).bind(proctor).bind(limit).fetch_all(db.pool()).await?).await
}

/// An anomaly with its session, if in scope: (anomaly, session id).
pub async fn anomaly_in_scope(db: &Db, scope: &Scope, anomaly_id: &str) -> sqlx::Result<Option<String>> {
    let (all, proctor) = scope.binds();
    let sql = format!(
        "SELECT s.id FROM monitoring_anomalies m JOIN monitoring_sessions s ON s.id = m.session_id \
         WHERE m.id = ? AND {SCOPE_SQL}"
    );
    sqlx::query_scalar(&sql).bind(anomaly_id).bind(all).bind(proctor).fetch_optional(db.pool()).await
}

/// The newest stored frame of a session (the live view).
pub async fn latest_frame(db: &Db, session_id: &str) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as(
        "SELECT id, received_at FROM monitoring_frames WHERE session_id = ? AND storage_key IS NOT NULL \
         ORDER BY received_at DESC, n DESC LIMIT 1",
    )
    .bind(session_id)
    .fetch_optional(db.pool())
    .await
}

/// Whether a frame's exam is in the caller's scope.
pub async fn exam_in_scope(db: &Db, scope: &Scope, exam_id: &str) -> sqlx::Result<bool> {
    let (all, proctor) = scope.binds();
    let sql = SCOPE_SQL.replace("s.exam_id", "?");
    let sql = format!("SELECT COUNT(*) FROM monitoring_sessions WHERE exam_id = ? AND {sql}");
    let n: i64 = sqlx::query_scalar(&sql)
        .bind(exam_id)
        .bind(all)
        .bind(exam_id)
        .bind(exam_id)
        .bind(proctor)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// Change marker of the panels: the newest session change.
pub async fn version(db: &Db) -> sqlx::Result<i64> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT MAX(updated_at) FROM monitoring_sessions").fetch_one(db.pool()).await?;
    Ok(v.unwrap_or(0))
}

/// Change marker of one session.
pub async fn session_version(db: &Db, id: &str) -> sqlx::Result<i64> {
    let v: Option<i64> = sqlx::query_scalar("SELECT updated_at FROM monitoring_sessions WHERE id = ?")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(v.unwrap_or(0))
}

/// Exams that have monitoring sessions in scope: (id, title), by title, for the history filter.
pub async fn exams_with_sessions(db: &Db, scope: &Scope) -> sqlx::Result<Vec<(String, String)>> {
    let (all, proctor) = scope.binds();
    let sql = format!("SELECT DISTINCT s.exam_id FROM monitoring_sessions s WHERE {SCOPE_SQL} LIMIT 500");
    let ids: Vec<String> = sqlx::query_scalar(&sql).bind(all).bind(proctor).fetch_all(db.pool()).await?;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut exams: Vec<(String, String)> = crate::exams::queries::titles(db, &refs).await?.into_iter().collect();
    exams.sort_by_cached_key(|(id, title)| (title.to_lowercase(), id.clone()));
    Ok(exams)
}
