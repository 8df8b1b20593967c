//! Read-only SQL of the explanations: sessions whose flagged frames wait for the server, and the
//! confirmed anomalies of attempts and exams with their evidence frames' verdicts.

use std::collections::{BTreeSet, HashMap};

use sqlx::FromRow;

use super::build::Facts;
use crate::db::{Db, DbText, placeholders};
use crate::monitoring::storage::frame_queries::OptText;

/// Sessions with a browser-flagged frame waiting for the server (`flagged = 1` and
/// `verification` pending or queued). The backlog is small and indexed by `verification`.
pub async fn being_checked(db: &Db) -> sqlx::Result<BTreeSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT session_id FROM monitoring_frames WHERE verification IN ('pending', 'queued') AND flagged = 1",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(ids.into_iter().collect())
}

/// A change marker of [`being_checked`] (the live panels fold it into theirs).
pub async fn checking_marker(db: &Db) -> sqlx::Result<i64> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    being_checked(db).await?.hash(&mut hasher);
    Ok(i64::from_ne_bytes(hasher.finish().to_ne_bytes()))
}

/// A confirmed anomaly with what its explanation needs.
#[derive(Clone, Debug, FromRow)]
pub struct ExplainedAnomaly {
    /// Id.
    pub id: String,
    /// Session.
    pub session_id: String,
    /// Attempt.
    pub attempt_id: String,
    /// Student.
    pub student_id: String,
    /// Student's name (from the accounts).
    #[sqlx(default)]
    pub student_name: String,
    /// Kind.
    pub kind: String,
    /// Severity.
    pub severity: String,
    /// Details JSON.
    #[sqlx(try_from = "DbText")]
    pub details: String,
    /// Confidence per mille.
    pub confidence_permille: i64,
    /// Episode start.
    pub started_at: i64,
    /// Emission.
    pub detected_at: i64,
    /// Episode end.
    pub ended_at: Option<i64>,
    /// Evidence frame.
    pub frame_id: Option<String>,
    /// `confirmed` or `not_needed`.
    pub verification: String,
    /// The proctor's decision: `pending` or `confirmed` (dismissed ones are left out).
    pub review: String,
    /// The proctor's note.
    #[sqlx(try_from = "OptText")]
    pub review_note: Option<String>,
    /// Who decided.
    #[sqlx(try_from = "OptText")]
    pub reviewed_by: Option<String>,
    /// Their name (from the accounts).
    #[sqlx(default)]
    pub reviewer_name: Option<String>,
    /// The evidence frame's browser verdict.
    #[sqlx(try_from = "OptText")]
    pub client_result: Option<String>,
    /// The evidence frame's server detections.
    #[sqlx(try_from = "OptText")]
    pub server_result: Option<String>,
}

impl ExplainedAnomaly {
    /// The explanation's input.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            kind: &self.kind,
            details: &self.details,
            confidence_permille: self.confidence_permille,
            started_at: self.started_at,
            ended_at: self.ended_at,
            frame_id: self.frame_id.as_deref(),
            client_result: self.client_result.as_deref(),
            server_result: self.server_result.as_deref(),
        }
    }
}

/// Anomalies that count against a student: confirmed by the server or raised by a rule, not
/// dismissed, without the derived `high_risk_alert` (it repeats critical ones).
const CONFIRMED: &str = "m.verification IN ('confirmed', 'not_needed') AND m.review <> 'dismissed' \
     AND m.kind <> 'high_risk_alert'";

fn select(filter: &str) -> String {
    format!(
        "SELECT m.id, m.session_id, COALESCE(s.attempt_id, '') AS attempt_id, s.student_id, m.kind, m.severity, m.details, \
         m.confidence_permille, m.started_at, m.detected_at, m.ended_at, m.frame_id, m.verification, m.review, \
         m.review_note, m.reviewed_by, f.client_result, f.server_result FROM monitoring_anomalies m \
         JOIN monitoring_sessions s ON s.id = m.session_id LEFT JOIN monitoring_frames f ON f.id = m.frame_id \
         WHERE {CONFIRMED} AND {filter} ORDER BY m.started_at, m.id"
    )
}

/// The confirmed anomalies of an exam's attempts, oldest first (the exam report).
pub async fn confirmed_of_exam(db: &Db, exam_id: &str, limit: i64) -> sqlx::Result<Vec<ExplainedAnomaly>> {
    let sql = select("s.exam_id = ?") + " LIMIT ?";
    named(db, sqlx::query_as(&sql).bind(exam_id).bind(limit).fetch_all(db.pool()).await?).await
}

/// Names each anomaly's student and reviewer, one batch (the accounts own the names).
async fn named(db: &Db, mut rows: Vec<ExplainedAnomaly>) -> sqlx::Result<Vec<ExplainedAnomaly>> {
    let mut ids: Vec<&str> = rows.iter().map(|r| r.student_id.as_str()).collect();
    ids.extend(rows.iter().filter_map(|r| r.reviewed_by.as_deref()));
    let names = crate::accounts::queries::names(db, &ids).await?;
    let name_of = |id: &str| names.get(id).map(|(name, _)| name.clone());
    for row in &mut rows {
        row.student_name = name_of(&row.student_id).unwrap_or_default();
        row.reviewer_name = row.reviewed_by.as_deref().and_then(name_of);
    }
    Ok(rows)
}

/// What a teacher reads about one attempt before grading it.
#[derive(Clone, Debug, Default)]
pub struct AttemptIntegrity {
    /// The attempt's monitoring sessions (several when the browser vanished and came back).
    pub session_ids: Vec<String>,
    /// The highest risk score of its sessions.
    pub risk_score: i64,
    /// Confirmed anomalies, oldest first.
    pub anomalies: Vec<ExplainedAnomaly>,
}

/// The integrity of each monitored attempt among `attempt_ids` (attempts never monitored are
/// absent from the map). Grading reads monitoring through this function only.
pub async fn integrity_of_attempts(db: &Db, attempt_ids: &[String]) -> sqlx::Result<HashMap<String, AttemptIntegrity>> {
    let mut out: HashMap<String, AttemptIntegrity> = HashMap::new();
    for chunk in attempt_ids.chunks(200) {
        let sql = format!(
            "SELECT attempt_id, id, risk_score FROM monitoring_sessions WHERE attempt_id IN ({}) \
             ORDER BY started_at, id",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for (attempt_id, session_id, risk) in q.fetch_all(db.pool()).await? {
            let entry = out.entry(attempt_id).or_default();
            entry.session_ids.push(session_id);
            entry.risk_score = entry.risk_score.max(risk);
        }
        let sql = select(&format!("s.attempt_id IN ({})", placeholders(chunk.len())));
        let mut q = sqlx::query_as::<_, ExplainedAnomaly>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        for a in named(db, q.fetch_all(db.pool()).await?).await? {
            out.entry(a.attempt_id.clone()).or_default().anomalies.push(a);
        }
    }
    Ok(out)
}
