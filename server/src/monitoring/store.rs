//! Writing anomalies (with their outbox events) and the session's risk score, always on the
//! caller's transaction.

use sqlx::AnyConnection;

use super::model::{Kind, Method, RiskWeights, Verification};
use super::rules::{Action, Opened};
use crate::db::now_ms;
use crate::events::payloads::{AnomalyDetected, HighRiskAlert};
use crate::events::record;

/// The session an anomaly belongs to.
#[derive(Clone, Debug)]
pub struct SessionRef {
    /// Session.
    pub id: String,
    /// Attempt.
    pub attempt_id: String,
    /// Exam.
    pub exam_id: String,
    /// Student.
    pub student_id: String,
}

/// Confidence 0..=1 as an integer per mille (stored without floats).
pub fn permille(confidence: f32) -> i64 {
    (f64::from(confidence.clamp(0.0, 1.0)) * 1000.0).round() as i64
}

/// Stores the engine's actions. Anomalies a detector found were seen by the server's own models
/// (only server observations reach the visual rules): they are `server_verified` and
/// `confirmed`, and `evidence` (the server's and the browser's verdicts, the models and
/// thresholds) is merged into their details. The others are `rule` anomalies. Returns whether
/// anything was written.
pub async fn apply(
    conn: &mut AnyConnection,
    session: &SessionRef,
    actions: &[Action],
    evidence: Option<&serde_json::Value>,
    window_seconds: i64,
) -> sqlx::Result<bool> {
    for action in actions {
        match action {
            Action::Open(o) if o.from_detector => {
                let mut o = o.clone();
                if let (Some(serde_json::Value::Object(extra)), serde_json::Value::Object(details)) =
                    (evidence, &mut o.details)
                {
                    details.extend(extra.clone());
                }
                open(conn, session, &o, Method::ServerVerified, Verification::Confirmed, window_seconds).await?;
            }
            Action::Open(o) => open(conn, session, o, Method::Rule, Verification::NotNeeded, window_seconds).await?,
            Action::Close { anomaly_id, ended_at } => close(conn, anomaly_id, *ended_at).await?,
        }
    }
    Ok(!actions.is_empty())
}

async fn open(
    conn: &mut AnyConnection,
    s: &SessionRef,
    o: &Opened,
    method: Method,
    verification: Verification,
    window_seconds: i64,
) -> sqlx::Result<()> {
    let confidence = permille(o.confidence);
    // Stored when the server decided: an episode seen on pictures analysed late keeps its capture
    // time in `started_at`, while live panels, which read what was detected since they last
    // looked, still see it.
    let detected_at = now_ms();
    sqlx::query(
        "INSERT INTO monitoring_anomalies (id, session_id, exam_id, student_id, kind, severity, method, \
         confidence_permille, details, frame_id, started_at, detected_at, verification, review, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
    )
    .bind(&o.id)
    .bind(&s.id)
    .bind(&s.exam_id)
    .bind(&s.student_id)
    .bind(o.kind.as_str())
    .bind(o.severity.as_str())
    .bind(method.as_str())
    .bind(confidence)
    .bind(o.details.to_string())
    .bind(o.frame_id.as_deref())
    .bind(o.started_at)
    .bind(detected_at)
    .bind(verification.as_str())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    if o.kind == Kind::HighRiskAlert {
        let count = o.details.get("critical_count").and_then(serde_json::Value::as_i64).unwrap_or(0);
        let message = format!("{count} critical anomalies in the last {window_seconds} s");
        let payload = HighRiskAlert {
            alert_id: o.id.clone(),
            session_id: s.id.clone(),
            attempt_id: s.attempt_id.clone(),
            exam_id: s.exam_id.clone(),
            student_id: s.student_id.clone(),
            critical_count: count,
            window_seconds,
            message,
            detected_at,
        };
        record(conn, &s.attempt_id, payload).await?;
    } else {
        let payload = AnomalyDetected {
            anomaly_id: o.id.clone(),
            session_id: s.id.clone(),
            attempt_id: s.attempt_id.clone(),
            exam_id: s.exam_id.clone(),
            student_id: s.student_id.clone(),
            anomaly_type: o.kind.as_str().to_owned(),
            severity: o.severity.as_str().to_owned(),
            method: method.as_str().to_owned(),
            confidence_permille: confidence,
            detected_at,
        };
        record(conn, &s.attempt_id, payload).await?;
    }
    Ok(())
}

/// Ends an anomaly's episode.
pub async fn close(conn: &mut AnyConnection, anomaly_id: &str, ended_at: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE monitoring_anomalies SET ended_at = ?, updated_at = ? WHERE id = ? AND ended_at IS NULL")
        .bind(ended_at)
        .bind(now_ms())
        .bind(anomaly_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Recomputes a session's risk score from its anomalies not dismissed (alerts excluded: they
/// summarise criticals already counted) and marks the session changed for live panels.
pub async fn refresh_risk(conn: &mut AnyConnection, session_id: &str, weights: &RiskWeights) -> sqlx::Result<i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT severity, COUNT(*) FROM monitoring_anomalies WHERE session_id = ? AND review <> 'dismissed' \
         AND kind <> 'high_risk_alert' GROUP BY severity",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    let count = |s: &str| rows.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let score = weights.score(count("low"), count("medium"), count("high"), count("critical"));
    sqlx::query("UPDATE monitoring_sessions SET risk_score = ?, updated_at = ? WHERE id = ?")
        .bind(score)
        .bind(now_ms())
        .bind(session_id)
        .execute(conn)
        .await?;
    Ok(score)
}
